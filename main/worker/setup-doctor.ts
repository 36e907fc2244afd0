import { statfs } from 'node:fs/promises';
import type { DoctorCheck, DoctorReport } from '../../common/worker/doctor';
import type { ContainerEngine, EngineInfo } from './container-engine';
import { EngineError } from './container-engine';
import type { ContainerGpuDevices } from '../hardware/vendors';
import { explainGpuContainerFailure } from '../hardware/vendors';
import { describeEngineUnreachable, describePullFailure } from './engine-errors';
import { errorText } from '../../common/errors';
import { workerLabels } from './job-resources';
import { DockerLogDemuxer } from './docker-log-demuxer';

/** Beyond this the doctor warns that the clock is off (the same bound as main/market/hub-time.ts). */
const CLOCK_WARN_OFFSET_MS = 5_000;

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export interface SetupDoctorDeps {
  engine: ContainerEngine;
  nowMs: () => number;
  workerId: string;
  /** The tiny image with a shell the GPU check runs (probe-image.ts); `offline` when no registry is needed. */
  probeImage: () => Promise<{ ref: string; offline: boolean }>;
  /** The GPUs this machine can lend (from hardware detection); none → the GPU check is skipped. */
  gpuUuids: () => string[];
  /** How a container gets those GPUs (their vendors' device requests and device nodes). */
  gpuDevices: (gpuUuids: readonly string[]) => ContainerGpuDevices;
  /** Disk the owner keeps for themselves in Docker's data root; jobs never eat into it. */
  diskReserveBytes: () => number;
  /** Free space of a local path; null when it cannot be measured. */
  diskSpace?: (path: string) => Promise<DiskSpace | null>;
  /** The hub's clock minus this machine's, null while not measured (no hub yet): checked when known. */
  clockOffsetMs?: () => number | null;
  /** Whether Idlegrid's own records can be written, and where they live: a full data disk fails the doctor. */
  storage?: () => { state: 'ok' | 'failing'; message: string | null; dataDir: string | null };
  /** Longest wait for Docker to answer before it counts as not running. */
  timeoutMs?: number;
  /** Why this machine cannot host a lease's mesh (with what to install), null when it can; absent: not checked. */
  meshUnavailable?: () => string | null;
}

const GB = 1024 ** 3;

export async function localDiskSpace(path: string): Promise<DiskSpace | null> {
  try {
    const s = await statfs(path);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}

/**
 * The setup doctor: is Docker there, can its containers use this machine's GPUs, and
 * is there disk to spare? Each check finds out by doing the real thing (ask Docker, run
 * a container given the GPUs as their vendors hand them over, measure the data root),
 * and says in plain words what is wrong and what to do (the vendor's driver knows what
 * its failures mean).
 */
export class SetupDoctor {
  private last: DoctorReport | null = null;

  constructor(private readonly options: SetupDoctorDeps) {}

  lastReport(): DoctorReport | null {
    return this.last;
  }

  async run(): Promise<DoctorReport> {
    const docker = await this.checkDocker();
    const info = docker.info;
    const checks: DoctorCheck[] = [
      docker.check,
      info ? await this.checkGpuRuntime() : skipped('gpu-runtime', 'GPU support for containers', 'Needs Docker first.'),
      info ? await this.checkDisk(info) : skipped('disk', 'Disk for jobs', 'Needs Docker first.'),
      ...this.checkStorage(),
      ...this.checkClock(),
      ...this.checkMesh(),
    ];
    // "Ready" only once GPU support was actually tested: an untested GPU check ('warn') is not ready.
    const ready = checks.every((c) => c.status !== 'fail') && checks.find((c) => c.id === 'gpu-runtime')?.status !== 'warn';
    this.last = { checkedAtMs: this.options.nowMs(), checks, ready };
    return this.last;
  }

  /**
   * Idlegrid's records (leases, payments, earnings) live in its data folder: a machine
   * that cannot write there must not take leases (issue 19, item 1), so a full disk fails.
   */
  checkStorage(): DoctorCheck[] {
    const storage = this.options.storage?.();
    if (!storage) return [];
    const title = "Disk for Idlegrid's records";
    const where = storage.dataDir ? `the disk that holds ${storage.dataDir}` : 'the disk of the data folder';
    if (storage.state === 'ok') {
      return [{ id: 'storage', title, status: 'ok', summary: `Idlegrid can write its records to ${where}.`, fix: null, detail: null }];
    }
    const full = /full/i.test(storage.message ?? '');
    return [
      {
        id: 'storage',
        title,
        status: 'fail',
        summary: `${full ? 'Disk full' : 'Cannot write'}: ${storage.message ?? 'Idlegrid cannot write to its data folder.'} Your GPUs are not offered until it can.`,
        fix: full
          ? `Free some space on ${where} (delete files you do not need, empty the trash, \`docker system prune\` if Docker shares that disk). Sharing resumes by itself within seconds.`
          : `Check ${where}: is it read-only, unplugged or failing? Sharing resumes by itself once Idlegrid can write there.`,
        detail: null,
      },
    ];
  }

  /**
   * Cluster leases need the mesh sidecar, built from this machine's WireGuard tools. A
   * warning, not a failure: single-machine leases still run (on the lease's internal
   * bridge), and this machine refuses multi-machine leases saying why.
   */
  checkMesh(): DoctorCheck[] {
    if (!this.options.meshUnavailable) return [];
    const reason = this.options.meshUnavailable();
    const title = 'Cluster mesh (WireGuard)';
    if (!reason) return [{ id: 'mesh', title, status: 'ok', summary: 'This machine can join clusters across homes (its WireGuard tools are installed).', fix: null, detail: null }];
    return [{ id: 'mesh', title, status: 'warn', summary: 'This machine cannot join multi-machine leases: it lacks the tools for the cluster mesh.', fix: reason, detail: null }];
  }

  /**
   * Lease deadlines are the hub's; the supplier follows the hub's clock, but a clock off by
   * more than a few seconds also misdates logs and earnings: the owner should fix it.
   */
  checkClock(): DoctorCheck[] {
    const offsetMs = this.options.clockOffsetMs?.() ?? null;
    if (offsetMs === null) return [];
    const seconds = Math.round(Math.abs(offsetMs) / 1000);
    if (Math.abs(offsetMs) <= CLOCK_WARN_OFFSET_MS) {
      return [{ id: 'clock', title: 'Clock', status: 'ok', summary: "This machine's clock agrees with the hub's.", fix: null, detail: `offset ${offsetMs} ms` }];
    }
    return [
      {
        id: 'clock',
        title: 'Clock',
        status: 'warn',
        summary: `This machine's clock is ${seconds} s ${offsetMs < 0 ? 'ahead of' : 'behind'} the hub's. Leases follow the hub's clock, so jobs are not cut short, but times in logs and earnings are off.`,
        fix: 'Turn on automatic time (NTP): on Linux `sudo timedatectl set-ntp true`; on Windows and macOS, "Set time automatically" in the date and time settings.',
        detail: `offset ${offsetMs} ms (hub − this machine)`,
      },
    ];
  }

  async checkDocker(): Promise<{ check: DoctorCheck; info: EngineInfo | null }> {
    const title = 'Docker';
    const { engine } = this.options;
    try {
      const [version, info] = await withTimeout(
        Promise.all([engine.version(), engine.info()]),
        this.options.timeoutMs ?? 10_000,
        `Docker at ${engine.endpoint} did not answer within ${Math.round((this.options.timeoutMs ?? 10_000) / 1000)} s`,
      );
      const restoreNote = info.liveRestore
        ? ''
        : ' Running jobs stop when Docker itself restarts (Docker\'s "live-restore" is off).';
      return {
        check: {
          id: 'docker',
          title,
          status: 'ok',
          summary: `Docker ${version.version} is running (API ${version.apiVersion}, ${info.operatingSystem || version.os}).${restoreNote}`,
          fix: null,
          detail: `${engine.endpoint}; data root ${info.dataRoot}; runtimes ${info.runtimes.join(', ')}`,
        },
        info,
      };
    } catch (error) {
      return {
        check: {
          id: 'docker',
          title,
          status: 'fail',
          summary: `Idlegrid cannot reach Docker at ${engine.endpoint}.`,
          fix: describeEngineUnreachable(engine.endpoint, error),
          detail: errorText(error),
        },
        info: null,
      };
    }
  }

  async checkGpuRuntime(): Promise<DoctorCheck> {
    const title = 'GPU support for containers';
    const uuids = this.options.gpuUuids();
    if (uuids.length === 0) {
      return skipped('gpu-runtime', title, 'No GPU that can be lent was found on this machine, so jobs run on the CPU only.');
    }
    const { engine } = this.options;
    let probeImage = '';
    try {
      const probe = await this.options.probeImage();
      probeImage = probe.ref;
      if (!(await engine.hasImage(probeImage))) await engine.pullImage(probeImage, () => undefined);
    } catch (error) {
      const failure = describePullFailure(probeImage || 'the test image', error, engine.endpoint);
      return {
        id: 'gpu-runtime',
        title,
        status: 'warn',
        summary: probeImage.startsWith('idlegrid/') || !probeImage
          ? 'GPU support was not tested: the small test image could not be made on this machine.'
          : `GPU support was not tested: the small test image ${probeImage} could not be downloaded (no static busybox was found to make it here, so it comes from the internet).`,
        fix: failure.message,
        detail: errorText(error),
      };
    }
    let containerId: string | null = null;
    try {
      const gpus = this.options.gpuDevices(uuids);
      containerId = await engine.createContainer({
        name: `idlegrid-probe-${Math.random().toString(36).slice(2, 10)}`,
        body: {
          Image: probeImage,
          // Says what the container was given: the GPUs the runtime exposed and the device nodes it sees.
          Cmd: ['sh', '-c', 'echo "gpus=${NVIDIA_VISIBLE_DEVICES:-}"; echo "devices=$(ls /dev | grep -E "^(nvidia[0-9]+|dri|kfd)$" | tr "\\n" " ")"'],
          Labels: workerLabels(this.options.workerId),
          HostConfig: {
            NetworkMode: 'none',
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges:true'],
            ReadonlyRootfs: true,
            Runtime: 'runc',
            DeviceRequests: gpus.deviceRequests,
            Devices: gpus.devices,
          },
        },
      });
      await engine.startContainer(containerId);
      const { exitCode } = await engine.waitContainer(containerId);
      const saw = parseProbeOutput(await readOutput(engine, containerId));
      if (exitCode !== 0) {
        return {
          id: 'gpu-runtime',
          title,
          status: 'warn',
          summary: `A test container with the GPUs started but ended with code ${exitCode}.`,
          fix: "Check that the GPU vendor's tool (`nvidia-smi`, `rocm-smi`) works on this machine; reinstall the driver if it does not.",
          detail: null,
        };
      }
      const seen = describeSeen(saw);
      return {
        id: 'gpu-runtime',
        title,
        status: seen ? 'ok' : 'warn',
        summary: seen
          ? `Containers can use this machine's GPUs (${uuids.length} tested): the test container saw ${seen}.`
          : `A test container was given ${uuids.length} GPU(s) but saw none of them (no GPU ids, no GPU device nodes).`,
        fix: seen ? null : "Install or repair the GPU vendor's container support (NVIDIA Container Toolkit, or ROCm's /dev/kfd and /dev/dri), restart Docker, then check again.",
        detail: uuids.join(', '),
      };
    } catch (error) {
      const failure = explainGpuContainerFailure(errorText(error));
      if (failure) return { id: 'gpu-runtime', title, status: 'fail', ...failure, detail: errorText(error) };
      const connection = error instanceof EngineError && error.isConnectionFailure;
      return {
        id: 'gpu-runtime',
        title,
        status: 'warn',
        summary: 'GPU support could not be tested.',
        fix: connection ? describeEngineUnreachable(engine.endpoint, error) : 'Run the doctor again; if this repeats, restart Docker.',
        detail: errorText(error),
      };
    } finally {
      if (containerId) await engine.removeContainer(containerId).catch(() => undefined);
    }
  }

  async checkDisk(info: EngineInfo): Promise<DoctorCheck> {
    const title = 'Disk for jobs';
    const space = await (this.options.diskSpace ?? localDiskSpace)(info.dataRoot);
    const reserve = this.options.diskReserveBytes();
    if (!space) {
      return {
        id: 'disk',
        title,
        status: 'warn',
        summary: `Free space in Docker's data root (${info.dataRoot}) could not be measured from here.`,
        fix: "Docker runs in a virtual machine or on another host: check its disk size in Docker Desktop's settings (Resources → Disk).",
        detail: null,
      };
    }
    if (space.freeBytes < reserve) {
      return {
        id: 'disk',
        title,
        status: 'fail',
        summary: `Only ${gb(space.freeBytes)} is free on Docker's disk (${info.dataRoot}); Idlegrid keeps ${gb(reserve)} free for you, so no job can start.`,
        fix: 'Free some space (`docker system prune` removes unused images and containers), move Docker\'s data root to a bigger disk, or lower the reserve in Settings.',
        detail: `${space.freeBytes} bytes free of ${space.totalBytes}`,
      };
    }
    return {
      id: 'disk',
      title,
      status: 'ok',
      summary: `${gb(space.freeBytes)} free on Docker's disk; ${gb(space.freeBytes - reserve)} of it can go to jobs (${gb(reserve)} kept for you).`,
      fix: null,
      detail: `${info.dataRoot}: ${space.freeBytes} bytes free of ${space.totalBytes}`,
    };
  }
}

function skipped(id: DoctorCheck['id'], title: string, summary: string): DoctorCheck {
  return { id, title, status: 'skipped', summary, fix: null, detail: null };
}

export function gb(bytes: number): string {
  const value = bytes / GB;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} GB`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineError(message, null, 'ETIMEDOUT')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the GPU check's container printed, stdout only. */
async function readOutput(engine: ContainerEngine, containerId: string): Promise<string> {
  const chunks: Buffer[] = [];
  const demuxer = new DockerLogDemuxer((stream, payload) => {
    if (stream === 'stdout') chunks.push(Buffer.from(payload));
  });
  try {
    const stream = await engine.containerLogs(containerId, { follow: false });
    for await (const chunk of stream) demuxer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  } catch {
    // No output to read is reported as nothing seen.
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** "gpus=GPU-a,GPU-b" and "devices=nvidia0 dri " → what the container saw. */
export function parseProbeOutput(output: string): { gpus: string[]; devices: string[] } {
  const line = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(output)?.[1]?.trim() ?? '';
  const gpus = line('gpus').split(',').map((g) => g.trim()).filter((g) => g && g !== 'void' && g !== 'none');
  const devices = line('devices').split(/\s+/).filter(Boolean);
  return { gpus, devices };
}

function describeSeen(saw: { gpus: string[]; devices: string[] }): string | null {
  const parts: string[] = [];
  if (saw.gpus.length > 0) parts.push(saw.gpus.join(', '));
  if (saw.devices.length > 0) parts.push(`/dev/${saw.devices.join(', /dev/')}`);
  return parts.length > 0 ? parts.join(' and ') : null;
}
