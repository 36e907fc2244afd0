import { createHook } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { liveEventListeners } from '../../../common/event';

/**
 * Counts what a piece of the app could leave behind: Node handles (timers, sockets,
 * servers, children; unref'd timers too, which `process.getActiveResourcesInfo()` does not
 * list), child processes of this process, subscriptions to typed events, listeners on
 * `process`.
 *
 * `begin()` starts watching; `leftovers()` lists, in words, what was created since and is
 * still there.
 */

/** Async resource types that hold something open; short-lived requests are not tracked. */
const TRACKED = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'PIPESERVERWRAP', 'PROCESSWRAP', 'UDPWRAP', 'FSEVENTWRAP', 'SIGNALWRAP', 'STATWATCHER', 'WORKER']);

export class ResourceCensus {
  private readonly live = new Map<number, string>();
  private readonly hook = createHook({
    init: (asyncId, type) => {
      if (TRACKED.has(type)) this.live.set(asyncId, type);
    },
    destroy: (asyncId) => {
      this.live.delete(asyncId);
    },
  });
  private children = new Set<string>();
  private eventListeners = 0;
  private processListeners = 0;
  /** Starts counting from now. */
  begin(): void {
    this.live.clear();
    this.hook.enable();
    this.children = childProcesses();
    this.eventListeners = liveEventListeners();
    this.processListeners = processListenerCount();
  }

  /** What was started since `begin` and is still there, in words; empty when nothing is. */
  leftovers(): string[] {
    const found: string[] = [];
    const byType = new Map<string, number>();
    for (const type of this.live.values()) byType.set(type, (byType.get(type) ?? 0) + 1);
    for (const [type, n] of byType) found.push(`${n} × ${type} handle${n === 1 ? '' : 's'}`);
    for (const child of childProcesses()) if (!this.children.has(child)) found.push(`child process ${child}`);
    const events = liveEventListeners() - this.eventListeners;
    if (events > 0) found.push(`${events} typed-event subscription${events === 1 ? '' : 's'}`);
    const onProcess = processListenerCount() - this.processListeners;
    if (onProcess > 0) found.push(`${onProcess} listener${onProcess === 1 ? '' : 's'} on process`);
    return found;
  }

  /** Polls `leftovers()` until it is empty or `withinMs` passed (sockets close a moment after stop); returns the last answer. */
  async settle(withinMs = 5_000): Promise<string[]> {
    const until = Date.now() + withinMs;
    let left = this.leftovers();
    while (left.length > 0 && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        // The census's own timer is not the app's.
        this.live.delete(asyncIdOf(timer));
      });
      left = this.leftovers();
    }
    return left;
  }

  end(): void {
    this.hook.disable();
    this.live.clear();
  }
}

/** `pid command` of every live child of this process (zombies included: a child not waited for is a leak too). */
function childProcesses(): Set<string> {
  let out = '';
  try {
    out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,stat=,args='], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when there are none.
  }
  const lines = out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/\bps --ppid\b/.test(line));
  return new Set(lines.map((line) => line.replace(/\s+/g, ' ')));
}

function asyncIdOf(timer: NodeJS.Timeout): number {
  const symbol = Object.getOwnPropertySymbols(timer).find((s) => s.description === 'asyncId');
  return symbol ? (timer as unknown as Record<symbol, number>)[symbol]! : -1;
}

function processListenerCount(): number {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
}
