import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { TelemetrySample } from '../../common/hardware/gpu';
import type { TelemetryState, TelemetryStatus } from '../../common/hardware/detection';
import type { Logger } from '../../common/logger';
import { errorText } from '../../common/errors';

/**
 * A vendor tool that prints readings as lines for as long as it runs (main/hardware/vendors
 * defines one per vendor). The sampler owns the child's life; the stream says what to
 * start and how to read it.
 */
export interface TelemetryStream {
  command: string;
  args(intervalMs: number): string[];
  /** A fresh reader per child: a reading per line, several at once, or null for other lines. */
  createReader(): TelemetryStreamReader;
  /** Said after "<command> was not found", e.g. "is the NVIDIA driver installed?". */
  missingHint: string;
  /**
   * The child starts children of its own (a shell loop): it leads a process group, and
   * stopping it kills the whole group, so no grandchild outlives a stop or a stall.
   */
  processGroup?: boolean;
}

export interface TelemetryStreamReader {
  read(line: string): TelemetrySample | TelemetrySample[] | null;
}

export interface TelemetrySamplerDeps {
  stream: TelemetryStream;
  spawnProcess?: typeof spawn;
  logger: Logger;
  nowMs: () => number;
  /** One batch per tick: a sample per GPU, all with the same `tMs`. */
  onSamples: (samples: TelemetrySample[]) => void;
  onStatus: (status: TelemetryStatus) => void;
  intervalMs?: number;
  /** First restart delay; doubles on each failure up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** No line for this long means nvidia-smi is stuck: it is killed and restarted. */
  stallTimeoutMs?: number;
  /** A child that has streamed this long is healthy again: the backoff goes back to the minimum. */
  healthyAfterMs?: number;
  /** The tool to run instead of the stream's own (tests: a path that does not exist). */
  command?: string;
  /** Environment of the child (tests put the replay on PATH); the app's own by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Live GPU telemetry from ONE long-lived child, never a process of ours per reading: for
 * NVIDIA `nvidia-smi --query-gpu … -lms 1000` (starting nvidia-smi initialises NVML each
 * time, which costs far more CPU than the reading itself), for AMD a shell loop around
 * rocm-smi (see bench/telemetry.ts for the measured differences).
 *
 * The stream is read line by line and grouped into one batch per tick: the tools print
 * the GPUs in index order, so a batch ends when the index goes back down, or when a short
 * timer runs out after the tick's lines stopped coming. If the child exits or goes quiet
 * for `stallTimeoutMs`, it is killed and started again after an exponential backoff.
 */
export class TelemetrySampler {
  private readonly intervalMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stallTimeoutMs: number;
  private readonly healthyAfterMs: number;
  private readonly flushDelayMs: number;

  private active = false;
  private child: ChildProcess | null = null;
  private lines: Interface | null = null;
  private reader: TelemetryStreamReader;
  private batch: TelemetrySample[] = [];
  private batchTMs = 0;
  private lastIndex = -1;
  private childStartedAtMs = 0;
  private childBatches = 0;
  private childLastError = '';
  private backoffMs: number;
  private spawns = 0;
  private lastSampleAtMs: number | null = null;
  private state: TelemetryState = 'stopped';
  private message = 'Telemetry has not started.';

  private flushTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: TelemetrySamplerDeps) {
    this.intervalMs = deps.intervalMs ?? 1000;
    this.minBackoffMs = deps.minBackoffMs ?? 1000;
    this.maxBackoffMs = deps.maxBackoffMs ?? 30_000;
    this.stallTimeoutMs = deps.stallTimeoutMs ?? Math.max(10_000, 5 * this.intervalMs);
    this.healthyAfterMs = deps.healthyAfterMs ?? 60_000;
    // Long enough for the lines of one tick to arrive, short enough to keep the chart live.
    this.flushDelayMs = Math.min(200, Math.round(this.intervalMs / 2));
    this.backoffMs = this.minBackoffMs;
    this.reader = deps.stream.createReader();
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.backoffMs = this.minBackoffMs;
    this.launch();
  }

  /** Kills the child and waits for it to be gone (SIGTERM, then SIGKILL); safe to call twice. */
  async stop(): Promise<void> {
    const wasActive = this.active;
    this.active = false;
    this.clearTimer('restartTimer');
    this.clearTimer('flushTimer');
    this.clearTimer('stallTimer');
    this.batch = [];
    this.lastIndex = -1;
    const child = this.child;
    this.child = null;
    this.lines?.close();
    this.lines = null;
    if (child) await terminate(child, this.deps.stream.processGroup === true);
    if (wasActive || child) this.setStatus('stopped', 'Telemetry is stopped.');
  }

  status(): TelemetryStatus {
    return { state: this.state, message: this.message, spawns: this.spawns, lastSampleAtMs: this.lastSampleAtMs };
  }

  private launch(): void {
    this.restartTimer = null;
    if (!this.active) return;
    const { stream } = this.deps;
    const command = this.deps.command ?? stream.command;
    const spawnProcess = this.deps.spawnProcess ?? spawn;
    let child: ChildProcess;
    this.spawns++;
    try {
      child = spawnProcess(command, stream.args(this.intervalMs), {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: this.deps.env ?? process.env,
        windowsHide: true,
        detached: stream.processGroup === true,
      });
    } catch (error) {
      this.scheduleRestart(`${command} could not be started (${errorText(error)})`);
      return;
    }
    this.child = child;
    this.childStartedAtMs = this.deps.nowMs();
    this.childBatches = 0;
    this.childLastError = '';
    this.batch = [];
    this.lastIndex = -1;
    this.reader = stream.createReader();

    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    this.lines = lines;
    lines.on('line', (line) => {
      if (child === this.child) this.onLine(line);
    });
    child.stdout!.on('error', () => {}); // a read error ends in 'close' below, which restarts
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      const line = chunk.split('\n').filter((l) => l.trim() !== '').pop();
      if (line) this.childLastError = line.trim().slice(0, 300);
    });
    child.stderr!.on('error', () => {});
    child.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ENOENT'
          ? `${command} was not found (${stream.missingHint})`
          : `${command} could not be started (${error.message})`;
      this.onChildGone(child, reason);
    });
    // 'close' comes after stdout is drained, so the last lines are not lost.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.onChildGone(child, `${command} ${how}${this.childLastError ? `: ${this.childLastError}` : ''}`);
    });

    this.clearTimer('stallTimer');
    this.stallTimer = setTimeout(() => this.onStall(child), this.stallTimeoutMs);
    this.setStatus('running', `Started ${command}; waiting for the first reading.`);
  }

  private onLine(line: string): void {
    this.stallTimer?.refresh();
    const read = this.reader.read(line);
    if (read === null) {
      // nvidia-smi reports per-GPU trouble in the stream ("Unable to determine the device handle…").
      if (line.trim() !== '') this.childLastError = line.trim().slice(0, 300);
      return;
    }
    if (Array.isArray(read)) for (const sample of read) this.add(sample);
    else this.add(read);
  }

  private add(sample: TelemetrySample): void {
    if (this.batch.length > 0 && sample.gpuIndex <= this.lastIndex) this.flush();
    if (this.batch.length === 0) {
      this.batchTMs = this.deps.nowMs();
      if (this.flushTimer) this.flushTimer.refresh();
      else this.flushTimer = setTimeout(() => this.flush(), this.flushDelayMs);
    }
    sample.tMs = this.batchTMs;
    this.batch.push(sample);
    this.lastIndex = sample.gpuIndex;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const samples = this.batch;
    this.batch = [];
    this.lastIndex = -1;
    this.lastSampleAtMs = samples[0]!.tMs;
    this.childBatches++;
    if (this.childBatches === 1 || this.state !== 'running') {
      const every = this.intervalMs % 1000 === 0 ? `${this.intervalMs / 1000} s` : `${this.intervalMs} ms`;
      this.setStatus('running', `Reading ${samples.length} GPU${samples.length === 1 ? '' : 's'} every ${every}.`);
    }
    if (this.backoffMs !== this.minBackoffMs && this.deps.nowMs() - this.childStartedAtMs >= this.healthyAfterMs) {
      this.backoffMs = this.minBackoffMs;
    }
    try {
      this.deps.onSamples(samples);
    } catch (error) {
      // A consumer's failure (a full disk) must not stop the stream for the others.
      this.deps.logger.error({ err: error }, 'a sample consumer failed');
    }
  }

  private onStall(child: ChildProcess): void {
    if (child !== this.child) return;
    kill(child, 'SIGKILL', this.deps.stream.processGroup === true);
    this.onChildGone(child, `${this.deps.command ?? this.deps.stream.command} printed nothing for ${seconds(this.stallTimeoutMs)}`);
  }

  private onChildGone(child: ChildProcess, reason: string): void {
    if (child !== this.child) return;
    this.flush(); // what the child printed before it went is still a reading
    this.child = null;
    this.lines?.close();
    this.lines = null;
    this.clearTimer('stallTimer');
    // It may have gone quiet rather than exited: make sure it does not linger.
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      kill(child, 'SIGKILL', this.deps.stream.processGroup === true);
    } else if (this.deps.stream.processGroup === true) {
      // The shell went, but a rocm-smi it started may still be running.
      kill(child, 'SIGKILL', true);
    }
    this.scheduleRestart(reason);
  }

  private scheduleRestart(reason: string): void {
    if (!this.active) return;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.setStatus('restarting', `${reason}; starting it again in ${seconds(delayMs)}.`);
    this.restartTimer = setTimeout(() => this.launch(), delayMs);
  }

  private setStatus(state: TelemetryState, message: string): void {
    this.state = state;
    this.message = message;
    try {
      this.deps.onStatus(this.status());
    } catch (error) {
      this.deps.logger.error({ err: error }, 'a status consumer failed');
    }
  }

  private clearTimer(name: 'flushTimer' | 'stallTimer' | 'restartTimer'): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }
}

/** SIGTERM, then SIGKILL if it is still there after a second; resolves once it exited (or gave up). */
async function terminate(child: ChildProcess, group: boolean): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    if (group) kill(child, 'SIGKILL', true);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  kill(child, 'SIGTERM', group);
  if (await within(exited, 1000)) {
    if (group) kill(child, 'SIGKILL', true); // a grandchild that ignored SIGTERM
    return;
  }
  kill(child, 'SIGKILL', group);
  // A child stuck in the kernel cannot die until the driver lets go; do not hang the app's quit on it.
  await within(exited, 2000);
}

/** Signals the child, or its whole process group (negative pid) when it leads one. */
function kill(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (group && child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
    return;
  }
  child.kill(signal);
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
