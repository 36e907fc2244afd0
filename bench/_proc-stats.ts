import { readFileSync } from 'node:fs';

/**
 * CPU time and RSS of another process, read from /proc (Linux). Benchmarks measure
 * the server as a separate process so the harness's own work is not counted.
 */
export interface ProcSample {
  cpuMs: number;
  rssKb: number;
  atMs: number;
}

const CLOCK_TICKS_PER_S = 100;

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may contain spaces, so split after ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_S, rssKb, atMs: Date.now() };
}

export function cpuPercent(a: ProcSample, b: ProcSample): number {
  return ((b.cpuMs - a.cpuMs) / (b.atMs - a.atMs)) * 100;
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
