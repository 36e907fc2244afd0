import type { Duplex, Readable } from 'node:stream';

/**
 * What the worker needs from a container engine. The job runner, reconciler and
 * doctor talk to this interface only; `DockerEngine` implements it with dockerode.
 * Another engine (Podman's Docker API, containerd) would implement the same calls.
 */
export interface ContainerEngine {
  /** Where the engine is, in words for the UI ("unix:///var/run/docker.sock"). */
  readonly endpoint: string;

  version(): Promise<EngineVersion>;
  info(): Promise<EngineInfo>;

  hasImage(ref: string): Promise<boolean>;
  /** Pulls an image; `onMessage` gets each of the engine's progress messages. Rejects on an error message. */
  pullImage(ref: string, onMessage: (message: PullMessage) => void, signal?: AbortSignal): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** The image's configured USER ("" when it names none); the image must be present. */
  imageUser(ref: string): Promise<string>;

  createNetwork(spec: NetworkSpec): Promise<string>;
  removeNetwork(nameOrId: string): Promise<void>;
  listNetworks(labels: Record<string, string>): Promise<ResourceSummary[]>;

  createVolume(spec: VolumeSpec): Promise<string>;
  removeVolume(name: string): Promise<void>;
  listVolumes(labels: Record<string, string>): Promise<ResourceSummary[]>;

  /** Creates (does not start) a container from a Docker create body; returns its id. */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the container has stopped. */
  stopContainer(id: string, graceMs: number): Promise<void>;
  killContainer(id: string): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  /** Removes the container and its anonymous volumes; a missing container is not an error. */
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerDetails | null>;
  listContainers(labels: Record<string, string>): Promise<ContainerSummary[]>;
  /** Resolves when the container is no longer running, with its exit code. */
  waitContainer(id: string, signal?: AbortSignal): Promise<{ exitCode: number }>;
  /**
   * Attaches to a created container's stdin, stdout and stderr (before it starts, so no
   * output is missed): write to the stream for stdin; what it reads is Docker's
   * multiplexed frames (containers without a TTY). For the attestation's dialogue.
   */
  attachContainer(id: string): Promise<Duplex>;
  /** The raw log stream (Docker's multiplexed frames when the container has no TTY). */
  containerLogs(id: string, options: LogsOptions): Promise<Readable>;
  containerStats(id: string): Promise<ContainerStats>;

  /** The engine's event stream (JSON lines) from `sinceMs`; ends when the engine goes away. */
  events(options: { sinceMs?: number; labels?: Record<string, string>; signal?: AbortSignal }): Promise<Readable>;

  /** Runs a command in a running container (the mesh sidecar's `wg`, `ip`, `iptables-restore`); output is bounded. */
  execInContainer(id: string, spec: ExecSpec): Promise<ExecResult>;
  /**
   * Starts a command in a running container with its stdin open (a renter's terminal with a
   * TTY, or a file transfer's tar without one) and hands back the raw stream: with a TTY
   * it carries plain bytes; without, stdout and stderr come as Docker's multiplexed frames.
   */
  openExec(id: string, spec: InteractiveExecSpec): Promise<InteractiveExec>;
  /** `docker import`: a root file system tarball becomes the image `ref` (e.g. the mesh sidecar, built from this machine's binaries). */
  importImage(tarball: Readable, ref: string, changes: string[]): Promise<void>;
}

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export interface EngineInfo {
  /** Docker's data root (images, containers, volumes), on the engine's host. */
  dataRoot: string;
  /** OCI runtimes registered with the engine (`runc`, `nvidia`, …). */
  runtimes: string[];
  liveRestore: boolean;
  operatingSystem: string;
  /** Name of the engine's host; Docker Desktop runs in a VM whose name differs from this machine's. */
  name: string;
  /** CPUs and memory of the engine's host (Docker Desktop: its VM, not this machine). */
  cpus: number;
  memoryBytes: number;
}

/** One message of Docker's pull stream, as it sends it. */
export interface PullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export interface NetworkSpec {
  name: string;
  labels: Record<string, string>;
  /** No route out: containers on it reach each other and nothing else. */
  internal: boolean;
}

export interface VolumeSpec {
  name: string;
  labels: Record<string, string>;
  /**
   * A memory-backed volume (the `local` driver's tmpfs) of at most this many bytes: the
   * kernel refuses writes beyond it (ENOSPC). Absent: a plain directory on Docker's disk.
   */
  tmpfsSizeBytes?: number;
}

export interface ResourceSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** created, running, paused, restarting, removing, exited, dead */
  state: string;
}

export interface ContainerDetails {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: {
    status: string;
    running: boolean;
    paused: boolean;
    oomKilled: boolean;
    exitCode: number;
    error: string;
    startedAtMs: number | null;
    finishedAtMs: number | null;
  };
  /** Published ports: container "8080/tcp" → host bindings. */
  ports: Record<string, Array<{ hostIp: string; hostPort: string }> | null>;
  /** The whole inspect answer, for tests and bug reports. */
  raw: unknown;
}

export interface LogsOptions {
  follow: boolean;
  /** Only the last N lines (of what Docker kept). */
  tail?: number;
  sinceMs?: number;
  signal?: AbortSignal;
}

export interface ContainerStats {
  cpuPct: number | null;
  memoryUsedBytes: number | null;
  memoryLimitBytes: number | null;
  pids: number | null;
}

/**
 * The Docker create body the engine sends as is (`POST /containers/create`). The
 * hardening lives in `hardened-container.ts`, which builds it; the engine adds nothing.
 */
export interface ContainerCreateSpec {
  name: string;
  body: Record<string, unknown>;
}

export interface ExecSpec {
  cmd: string[];
  /** Extra environment (`KEY=value`), e.g. a key that must not appear on a command line. */
  env?: string[];
  /** Killed from our side after this long: the exec's result is then exit code 124. */
  timeoutMs: number;
}

export interface InteractiveExecSpec {
  cmd: string[];
  env?: string[];
  tty: boolean;
  /** The TTY's first size. */
  cols?: number;
  rows?: number;
  workingDir?: string;
}

export interface InteractiveExec {
  /** Write for stdin; read for output (raw with a TTY, multiplexed frames without). */
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** The command's exit code once the stream has ended (null if the engine cannot say). */
  exitCode(): Promise<number | null>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A failure the engine reports, kept apart from connection failures. */
export class EngineError extends Error {
  constructor(
    message: string,
    /** HTTP status from the engine, or null for a connection failure. */
    readonly statusCode: number | null,
    /** Node's error code for a connection failure (ECONNREFUSED, ENOENT, EACCES, …). */
    readonly errno: string | null = null,
  ) {
    super(message);
    this.name = 'EngineError';
  }

  get isConnectionFailure(): boolean {
    return this.statusCode === null;
  }
}
