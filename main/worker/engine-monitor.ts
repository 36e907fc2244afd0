import type { Readable } from 'node:stream';
import type { EngineStatus } from '../../common/worker/job';
import type { ContainerEngine } from './container-engine';
import { describeEngineUnreachable } from './engine-errors';
import { JsonLineReader } from './json-line-reader';
import type { Logger } from '../../common/logger';

/** A Docker event about one of the worker's containers, typed. */
export interface ContainerEngineEvent {
  kind: 'container';
  /** Docker's action: create, start, die, oom, kill, pause, unpause, stop, destroy, … */
  action: string;
  containerId: string;
  labels: Record<string, string>;
  /** Set on `die`. */
  exitCode: number | null;
  atMs: number;
}

export interface EngineMonitorDeps {
  engine: ContainerEngine;
  logger: Logger;
  nowMs: () => number;
  /** Only events of containers with these labels (the worker's own). */
  labels: Record<string, string>;
  /** Called after every (re)connection, before the state turns "connected": the reconcile. */
  onConnected: () => Promise<void>;
  onEvent: (event: ContainerEngineEvent) => void;
  onStatus: (status: EngineStatus) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Keeps one event stream open to the engine. The stream ending is how the worker
 * learns Docker went away (restarted, upgraded, Docker Desktop quit); it then retries
 * with a doubling delay and, once Docker answers again, reconciles before it reports
 * "connected", so the UI never shows jobs that no longer exist.
 */
export class EngineMonitor {
  private current: EngineStatus;
  private stopped = false;
  private readonly abort = new AbortController();
  private loopDone: Promise<void> | null = null;
  private lastEventMs: number | undefined;
  private wake: (() => void) | null = null;
  private readonly disconnectWaiters = new Set<() => void>();
  private readonly firstAttempt: Promise<void>;
  private resolveFirstAttempt!: () => void;

  constructor(private readonly options: EngineMonitorDeps) {
    this.current = { state: 'connecting', message: 'Looking for Docker…', endpoint: options.engine.endpoint, version: null, retryAtMs: null };
    this.firstAttempt = new Promise((resolve) => (this.resolveFirstAttempt = resolve));
  }

  status(): EngineStatus {
    return this.current;
  }

  /** True if the engine is, or within `withinMs` becomes, disconnected. */
  disconnectsWithin(withinMs: number): Promise<boolean> {
    if (this.current.state === 'disconnected') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.disconnectWaiters.delete(done);
        resolve(false);
      }, withinMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.disconnectWaiters.add(done);
    });
  }

  /** Starts the loop; resolves after the first attempt (connected and reconciled, or failed). */
  start(): Promise<void> {
    this.loopDone ??= this.loop();
    return this.firstAttempt;
  }

  /** Try now rather than at the end of the current back-off (e.g. the owner pressed "Check again"). */
  retryNow(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 15_000;
    let delayMs = initial;
    while (!this.stopped) {
      let stream: Readable | null = null;
      try {
        const version = await this.options.engine.version();
        stream = await this.options.engine.events({
          labels: this.options.labels,
          signal: this.abort.signal,
          ...(this.lastEventMs !== undefined ? { sinceMs: this.lastEventMs } : {}),
        });
        const ended = this.consume(stream);
        await this.options.onConnected();
        delayMs = initial;
        this.setStatus({
          state: 'connected',
          message: `Docker ${version.version} (API ${version.apiVersion}) at ${this.options.engine.endpoint}`,
          endpoint: this.options.engine.endpoint,
          version: version.version,
          retryAtMs: null,
        });
        this.resolveFirstAttempt();
        await ended;
        if (this.stopped) break;
        this.setStatus({
          state: 'disconnected',
          message: `Docker at ${this.options.engine.endpoint} stopped answering; running jobs are checked again when it is back.`,
          endpoint: this.options.engine.endpoint,
          version: null,
          retryAtMs: this.options.nowMs() + delayMs,
        });
      } catch (error) {
        stream?.destroy();
        if (this.stopped) break;
        this.setStatus({
          state: 'disconnected',
          message: describeEngineUnreachable(this.options.engine.endpoint, error),
          endpoint: this.options.engine.endpoint,
          version: null,
          retryAtMs: this.options.nowMs() + delayMs,
        });
      }
      this.resolveFirstAttempt();
      await this.sleep(delayMs);
      delayMs = Math.min(delayMs * 2, max);
    }
    this.resolveFirstAttempt();
  }

  private consume(stream: Readable): Promise<void> {
    const reader = new JsonLineReader((value) => this.handle(value));
    return new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => reader.push(chunk));
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', resolve);
    });
  }

  private handle(value: unknown): void {
    const e = value as { Type?: string; Action?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number; time?: number };
    const atMs = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
    if (atMs) this.lastEventMs = atMs;
    if (e.Type !== 'container' || !e.Action) return;
    const attributes = e.Actor?.Attributes ?? {};
    const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : null;
    try {
      this.options.onEvent({
        kind: 'container',
        // "exec_start: sh -c …" and the like carry their command after a colon.
        action: e.Action.split(':')[0]!.trim(),
        containerId: e.Actor?.ID ?? e.id ?? '',
        labels: attributes,
        exitCode: Number.isFinite(exitCode) ? exitCode : null,
        atMs,
      });
    } catch (error) {
      this.options.logger.error({ err: error }, 'an engine event handler failed');
    }
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    if (status.state === 'disconnected') {
      for (const waiter of this.disconnectWaiters) waiter();
      this.disconnectWaiters.clear();
    }
    this.options.onStatus(status);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
