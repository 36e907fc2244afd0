import { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import type {
  ContainerCreateSpec,
  ContainerDetails,
  ContainerEngine,
  ContainerStats,
  ContainerSummary,
  EngineInfo,
  EngineVersion,
  LogsOptions,
  NetworkSpec,
  PullMessage,
  ResourceSummary,
  VolumeSpec,
} from './container-engine';
import { EngineError } from './container-engine';
import { resolveDockerEndpoint } from './docker-endpoint';
import type { DockerEndpoint } from './docker-endpoint';
import { JsonLineReader } from './json-line-reader';
import { DockerLogDemuxer } from './docker-log-demuxer';
import type { ExecResult, ExecSpec, InteractiveExec, InteractiveExecSpec } from './container-engine';

/**
 * `ContainerEngine` over Docker's HTTP API (dockerode). Every failure becomes an
 * `EngineError` that keeps Docker's status code (or the socket's errno), so callers
 * can tell "Docker said no" from "Docker is not there".
 */
export class DockerEngine implements ContainerEngine {
  readonly endpoint: string;
  private readonly docker: Docker;

  /** With no endpoint: `DOCKER_HOST`, else the usual socket of this platform (see docker-endpoint.ts). */
  constructor(endpoint?: DockerEndpoint) {
    const resolved = endpoint ?? resolveDockerEndpoint();
    this.endpoint = resolved.label;
    if (!endpoint && process.env.DOCKER_HOST?.trim()) {
      // dockerode reads DOCKER_HOST itself, with its TLS certificates (DOCKER_CERT_PATH).
      this.docker = new Docker();
    } else if (resolved.kind === 'socket') {
      this.docker = new Docker({ socketPath: resolved.socketPath });
    } else {
      this.docker = new Docker({ host: resolved.host, port: resolved.port, protocol: resolved.tls ? 'https' : 'http' });
    }
  }

  async version(): Promise<EngineVersion> {
    const v = await wrap(() => this.docker.version());
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
  }

  async info(): Promise<EngineInfo> {
    const info = (await wrap(() => this.docker.info())) as Record<string, unknown>;
    return {
      dataRoot: String(info.DockerRootDir ?? ''),
      runtimes: Object.keys((info.Runtimes as Record<string, unknown> | undefined) ?? {}),
      liveRestore: info.LiveRestoreEnabled === true,
      operatingSystem: String(info.OperatingSystem ?? ''),
      name: String(info.Name ?? ''),
      cpus: Number(info.NCPU ?? 0),
      memoryBytes: Number(info.MemTotal ?? 0),
    };
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await wrap(() => this.docker.getImage(ref).inspect());
      return true;
    } catch (error) {
      if (error instanceof EngineError && error.statusCode === 404) return false;
      throw error;
    }
  }

  async imageUser(ref: string): Promise<string> {
    const details = (await wrap(() => this.docker.getImage(ref).inspect())) as { Config?: { User?: string } };
    return details.Config?.User ?? '';
  }

  async pullImage(ref: string, onMessage: (message: PullMessage) => void, signal?: AbortSignal): Promise<void> {
    const stream = (await wrap(() => this.docker.pull(ref, signal ? { abortSignal: signal } : {}))) as Readable;
    await new Promise<void>((resolve, reject) => {
      let failure: EngineError | null = null;
      const reader = new JsonLineReader((value) => {
        const message = value as PullMessage;
        // Docker reports a failed pull inside a 200 stream, as a message with `error`.
        if (message.error || message.errorDetail?.message) {
          failure ??= new EngineError(message.errorDetail?.message ?? message.error ?? 'pull failed', 500);
          return;
        }
        onMessage(message);
      });
      let ended = false;
      stream.on('data', (chunk: Buffer) => reader.push(chunk));
      stream.once('error', (error) => reject(toEngineError(error)));
      stream.once('end', () => {
        ended = true;
        reader.end();
        if (failure) reject(failure);
        else resolve();
      });
      // A stream that closes without its end: Docker went away or the pull was aborted.
      stream.once('close', () => {
        if (ended) return;
        reject(signal?.aborted ? new EngineError('aborted', null, 'ABORT_ERR') : new EngineError('Docker closed the connection during the download', null, 'ECONNRESET'));
      });
    });
  }

  async removeImage(ref: string): Promise<void> {
    await ignoreStatus([404], () => this.docker.getImage(ref).remove({ force: true }));
  }

  async createNetwork(spec: NetworkSpec): Promise<string> {
    const network = await wrap(() =>
      this.docker.createNetwork({
        Name: spec.name,
        Driver: 'bridge',
        Internal: spec.internal,
        CheckDuplicate: true,
        Labels: spec.labels,
        // Containers of one lease talk to each other (NCCL, torch.distributed); the
        // network holds only that lease's containers.
        Options: { 'com.docker.network.bridge.enable_icc': 'true' },
      }),
    );
    return network.id;
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    await ignoreStatus([404], () => this.docker.getNetwork(nameOrId).remove());
  }

  async listNetworks(labels: Record<string, string>): Promise<ResourceSummary[]> {
    const networks = await wrap(() => this.docker.listNetworks({ filters: { label: labelFilters(labels) } }));
    return networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
  }

  async createVolume(spec: VolumeSpec): Promise<string> {
    const volume = (await wrap(() =>
      this.docker.createVolume({
        Name: spec.name,
        Driver: 'local',
        Labels: spec.labels,
        // mode 1777: the job runs as an unprivileged user it chooses (the image's USER),
        // and the volume is its own, so any uid may write; sticky so files stay their owner's.
        ...(spec.tmpfsSizeBytes !== undefined
          ? { DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: `size=${Math.max(1, Math.ceil(spec.tmpfsSizeBytes / 1024))}k,mode=1777,nosuid,nodev` } }
          : {}),
      }),
    )) as unknown as { Name?: string; name?: string };
    return volume.Name ?? volume.name ?? spec.name;
  }

  async removeVolume(name: string): Promise<void> {
    await ignoreStatus([404], () => this.docker.getVolume(name).remove({ force: true }));
  }

  async listVolumes(labels: Record<string, string>): Promise<ResourceSummary[]> {
    const answer = await wrap(() => this.docker.listVolumes({ filters: { label: labelFilters(labels) } }));
    return (answer.Volumes ?? []).map((v) => ({ id: v.Name, name: v.Name, labels: v.Labels ?? {} }));
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const container = await wrap(() =>
      this.docker.createContainer({ name: spec.name, ...spec.body } as Docker.ContainerCreateOptions),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await ignoreStatus([304], () => this.docker.getContainer(id).start());
  }

  async stopContainer(id: string, graceMs: number): Promise<void> {
    // Docker takes whole seconds; round up so a job gets at least the grace it was promised.
    await ignoreStatus([304, 404], () => this.docker.getContainer(id).stop({ t: Math.ceil(graceMs / 1000) }));
  }

  async killContainer(id: string): Promise<void> {
    await ignoreStatus([404, 409], () => this.docker.getContainer(id).kill());
  }

  async pauseContainer(id: string): Promise<void> {
    await wrap(() => this.docker.getContainer(id).pause());
  }

  async unpauseContainer(id: string): Promise<void> {
    await wrap(() => this.docker.getContainer(id).unpause());
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await wrap(() => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      if (error instanceof EngineError && error.statusCode === 404) return;
      // 409 "removal already in progress": another caller is removing it; wait for that.
      if (error instanceof EngineError && error.statusCode === 409 && /already in progress/i.test(error.message)) {
        await ignoreStatus([404], () => this.docker.getContainer(id).wait({ condition: 'removed' }));
        return;
      }
      throw error;
    }
  }

  async inspectContainer(id: string): Promise<ContainerDetails | null> {
    let raw: Docker.ContainerInspectInfo;
    try {
      raw = await wrap(() => this.docker.getContainer(id).inspect());
    } catch (error) {
      if (error instanceof EngineError && error.statusCode === 404) return null;
      throw error;
    }
    const state = raw.State;
    return {
      id: raw.Id,
      name: raw.Name.replace(/^\//, ''),
      labels: raw.Config.Labels ?? {},
      state: {
        status: state.Status,
        running: state.Running,
        paused: state.Paused,
        oomKilled: state.OOMKilled,
        exitCode: state.ExitCode,
        error: state.Error ?? '',
        startedAtMs: dockerTimeMs(state.StartedAt),
        finishedAtMs: dockerTimeMs(state.FinishedAt),
      },
      ports: Object.fromEntries(
        Object.entries(raw.NetworkSettings?.Ports ?? {}).map(([key, bindings]) => [
          key,
          bindings ? bindings.map((b) => ({ hostIp: b.HostIp, hostPort: b.HostPort })) : null,
        ]),
      ),
      raw,
    };
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const list = await wrap(() =>
      this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) } }),
    );
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      labels: c.Labels ?? {},
      state: c.State,
    }));
  }

  async waitContainer(id: string, signal?: AbortSignal): Promise<{ exitCode: number }> {
    // Docker answers a wait with its headers at once and the body when the container
    // stops. dockerode's own `wait` never settles if the connection drops in between
    // (a daemon restarting with live-restore), so we read the body ourselves and treat
    // a connection that closes without it as the engine going away.
    const response = (await wrap(
      () =>
        new Promise<Readable>((resolve, reject) =>
          this.docker.modem.dial(
            {
              path: `/containers/${encodeURIComponent(id)}/wait?`,
              method: 'POST',
              isStream: true,
              abortSignal: signal,
              statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
              options: { condition: 'not-running' },
            },
            (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
          ),
        ),
    )) as Readable;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let ended = false;
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        ended = true;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { StatusCode: number; Error?: { Message?: string } | null };
          if (body.Error?.Message) reject(new EngineError(body.Error.Message, 500));
          else resolve({ exitCode: body.StatusCode });
        } catch {
          reject(new EngineError('Docker ended the wait without an answer', null, 'ECONNRESET'));
        }
      });
      response.once('error', () => undefined); // settled by 'close' below
      response.once('close', () => {
        if (ended) return;
        reject(signal?.aborted ? new EngineError('aborted', null, 'ABORT_ERR') : new EngineError('Docker closed the connection while waiting for the container', null, 'ECONNRESET'));
      });
    });
  }

  async attachContainer(id: string): Promise<Duplex> {
    const stream = await wrap(() => this.docker.getContainer(id).attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }));
    return stream as unknown as Duplex;
  }

  async containerLogs(id: string, options: LogsOptions): Promise<Readable> {
    const query: Record<string, unknown> = { stdout: true, stderr: true, follow: options.follow };
    if (options.tail !== undefined) query.tail = options.tail;
    if (options.sinceMs !== undefined) query.since = Math.floor(options.sinceMs / 1000);
    if (options.signal) query.abortSignal = options.signal;
    const answer = (await wrap(() =>
      this.docker.getContainer(id).logs(query as unknown as Docker.ContainerLogsOptions & { follow: true }),
    )) as unknown;
    // Without follow, dockerode hands back the whole log as one Buffer.
    return Buffer.isBuffer(answer) ? Readable.from([answer]) : (answer as Readable);
  }

  async containerStats(id: string): Promise<ContainerStats> {
    const s = (await wrap(() => this.docker.getContainer(id).stats({ stream: false }))) as unknown as DockerStats;
    const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
    const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
    const cpus = s.cpu_stats?.online_cpus ?? s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1;
    const cpuPct = systemDelta > 0 && cpuDelta >= 0 ? (cpuDelta / systemDelta) * cpus * 100 : null;
    return {
      cpuPct: cpuPct === null ? null : Math.round(cpuPct * 10) / 10,
      memoryUsedBytes: s.memory_stats?.usage ?? null,
      memoryLimitBytes: s.memory_stats?.limit ?? null,
      pids: s.pids_stats?.current ?? null,
    };
  }

  async events(options: { sinceMs?: number; labels?: Record<string, string>; signal?: AbortSignal }): Promise<Readable> {
    const query: Record<string, unknown> = {};
    if (options.sinceMs !== undefined) query.since = (options.sinceMs / 1000).toFixed(3);
    if (options.labels) query.filters = { label: labelFilters(options.labels) };
    if (options.signal) query.abortSignal = options.signal;
    return (await wrap(() => this.docker.getEvents(query))) as unknown as Readable;
  }

  async execInContainer(id: string, spec: ExecSpec): Promise<ExecResult> {
    const exec = await wrap(() =>
      this.docker.getContainer(id).exec({ Cmd: spec.cmd, Env: spec.env ?? [], AttachStdout: true, AttachStderr: true, Tty: false }),
    );
    const stream = (await wrap(() => exec.start({ hijack: true, stdin: false }))) as unknown as Readable;
    const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    let kept = 0;
    const demuxer = new DockerLogDemuxer((which, payload) => {
      // Bounded: a command printing without end cannot grow the app's memory.
      if (kept > EXEC_OUTPUT_LIMIT_BYTES) return;
      kept += payload.length;
      out[which].push(Buffer.from(payload));
    });
    const finished = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve(false);
      }, spec.timeoutMs);
      stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
      stream.once('end', () => {
        clearTimeout(timer);
        resolve(true);
      });
      stream.once('error', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    const details = finished ? await wrap(() => exec.inspect()) : null;
    return {
      exitCode: finished ? (details?.ExitCode ?? -1) : 124,
      stdout: Buffer.concat(out.stdout).toString('utf8'),
      stderr: Buffer.concat(out.stderr).toString('utf8'),
    };
  }

  async openExec(id: string, spec: InteractiveExecSpec): Promise<InteractiveExec> {
    const exec = await wrap(() =>
      this.docker.getContainer(id).exec({
        Cmd: spec.cmd,
        Env: spec.env ?? [],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: spec.tty,
        ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
        ...(spec.tty && spec.cols && spec.rows ? { ConsoleSize: [spec.rows, spec.cols] } : {}),
      } as Docker.ExecCreateOptions),
    );
    const stream = (await wrap(() => exec.start({ hijack: true, stdin: true, Tty: spec.tty }))) as unknown as Duplex;
    if (spec.tty && spec.cols && spec.rows) await wrap(() => exec.resize({ h: spec.rows, w: spec.cols })).catch(() => undefined);
    return {
      stream,
      resize: async (cols, rows) => {
        await wrap(() => exec.resize({ h: rows, w: cols }));
      },
      exitCode: async () => {
        // The exit code is recorded a moment after the stream ends.
        for (let i = 0; i < 20; i++) {
          const details = await wrap(() => exec.inspect()).catch(() => null);
          if (!details) return null;
          if (!details.Running) return details.ExitCode ?? null;
          await new Promise((r) => setTimeout(r, 50));
        }
        return null;
      },
    };
  }

  async importImage(tarball: Readable, ref: string, changes: string[]): Promise<void> {
    const [repo, tag] = splitRef(ref);
    const answer = (await wrap(() => this.docker.importImage(tarball as unknown as string, { repo, tag, changes } as object))) as Readable;
    await new Promise<void>((resolve, reject) => {
      let failure: EngineError | null = null;
      const reader = new JsonLineReader((value) => {
        const message = value as PullMessage;
        if (message.error || message.errorDetail?.message) failure = new EngineError(message.errorDetail?.message ?? message.error ?? 'import failed', 500);
      });
      answer.on('data', (chunk: Buffer) => reader.push(chunk));
      answer.once('end', () => (failure ? reject(failure) : resolve()));
      answer.once('error', (error) => reject(toEngineError(error)));
    });
  }
}

const EXEC_OUTPUT_LIMIT_BYTES = 1024 * 1024;

/** "name:tag" → ["name", "tag"]; a registry port ("host:5000/name") is not a tag. */
function splitRef(ref: string): [string, string] {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

interface DockerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number };
  pids_stats?: { current?: number };
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}

function dockerTimeMs(value: string | undefined): number | null {
  if (!value || value.startsWith('0001-01-01')) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

async function wrap<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toEngineError(error);
  }
}

async function ignoreStatus(statuses: number[], action: () => Promise<unknown>): Promise<void> {
  try {
    await wrap(action);
  } catch (error) {
    if (error instanceof EngineError && error.statusCode !== null && statuses.includes(error.statusCode)) return;
    throw error;
  }
}

export function toEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const e = error as { statusCode?: number; json?: { message?: string } | null; message?: string; code?: string; name?: string };
  if (typeof e?.statusCode === 'number') {
    const message = e.json?.message ?? e.message ?? `Docker answered HTTP ${e.statusCode}`;
    return new EngineError(message.trim(), e.statusCode);
  }
  if (e?.name === 'AbortError') return new EngineError('aborted', null, 'ABORT_ERR');
  return new EngineError(e?.message ?? String(error), null, e?.code ?? null);
}
