import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { MeshWorkerConfig, MeshWorkerReport } from './mesh-worker-process';

/** The test's handle on a mesh worker process (mesh-worker-process.ts): its reports, a wait, and kill. */
export class MeshWorker {
  readonly reports: MeshWorkerReport[] = [];
  private readonly waiters: Array<() => void> = [];
  workerId = '';
  constructor(readonly child: ChildProcess) {
    child.on('message', (r: MeshWorkerReport) => {
      this.reports.push(r);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async start(config: MeshWorkerConfig): Promise<MeshWorker> {
    const child = fork(join(__dirname, 'mesh-worker-process.ts'), [JSON.stringify(config)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker = new MeshWorker(child);
    const ready = await worker.waitFor((r) => r.event === 'ready' || r.event === 'fatal', 60_000);
    if (ready.event !== 'ready') throw new Error(`mesh worker failed: ${JSON.stringify(ready)}`);
    worker.workerId = ready.workerId;
    return worker;
  }
  waitFor(match: (r: MeshWorkerReport) => boolean, timeoutMs: number): Promise<MeshWorkerReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching report in ${timeoutMs} ms; got ${JSON.stringify(this.reports.slice(-4))}`)), timeoutMs);
      const check = () => {
        const found = this.reports.find(match) ?? this.reports.find((r) => r.event === 'fatal');
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else this.waiters.push(check);
      };
      check();
    });
  }
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}
