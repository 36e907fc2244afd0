import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { HubToWorkerMessage } from '../../common/hub/worker-messages';
import type { WorkerCommand, WorkerProcessConfig, WorkerReport } from './worker-process';

/**
 * The test's handle on a worker process: what it reported, a way to wait for a report,
 * commands, and kill. Every process started here is killed by `killAll` (tests call it in
 * afterEach/afterAll).
 */
export class WorkerHandle {
  readonly reports: WorkerReport[] = [];
  private waiters: Array<() => void> = [];
  workerId = '';
  offerIds: string[] = [];

  private constructor(readonly child: ChildProcess) {
    child.on('message', (r: WorkerReport) => {
      this.reports.push(r);
      for (const w of this.waiters.splice(0)) w();
    });
    child.on('exit', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async start(config: WorkerProcessConfig): Promise<WorkerHandle> {
    const child = fork(join(__dirname, 'worker-process.ts'), [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    const handle = new WorkerHandle(child);
    const ready = await handle.waitFor((r) => r.event === 'ready' || r.event === 'fatal', 20_000);
    if (ready.event === 'fatal') throw new Error(`worker process failed: ${ready.message}`);
    if (ready.event === 'ready') {
      handle.workerId = ready.workerId;
      handle.offerIds = ready.offerIds;
    }
    return handle;
  }

  hubMessages(): HubToWorkerMessage[] {
    return this.reports.flatMap((r) => (r.event === 'hub' ? [r.message] : []));
  }

  /** Resolves with the first report (already received or future) that matches. */
  waitFor<R extends WorkerReport>(match: (r: WorkerReport) => r is R, timeoutMs?: number): Promise<R>;
  waitFor(match: (r: WorkerReport) => boolean, timeoutMs?: number): Promise<WorkerReport>;
  waitFor(match: (r: WorkerReport) => boolean, timeoutMs = 15_000): Promise<WorkerReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.workerId || this.child.pid}: no matching report within ${timeoutMs} ms; got ${JSON.stringify(this.reports.slice(-5))}`)), timeoutMs);
      const check = () => {
        const found = this.reports.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`worker ${this.workerId} exited (${this.child.exitCode ?? this.child.signalCode})`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  waitForHub<T extends HubToWorkerMessage['type']>(type: T, match: (m: Extract<HubToWorkerMessage, { type: T }>) => boolean = () => true, timeoutMs?: number): Promise<Extract<HubToWorkerMessage, { type: T }>> {
    return this.waitFor((r) => r.event === 'hub' && r.message.type === type && match(r.message as Extract<HubToWorkerMessage, { type: T }>), timeoutMs).then(
      (r) => (r as Extract<WorkerReport, { event: 'hub' }>).message as Extract<HubToWorkerMessage, { type: T }>,
    );
  }

  send(command: WorkerCommand): void {
    this.child.send(command);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

const running = new Set<ChildProcess>();

export async function killAllWorkers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
