import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, for benchmarks: building a synthetic market of 100,000
 * offers leaves a heap of garbage that a running hub would have collected long ago, so
 * the measured phase starts from a clean heap (the same for the baseline).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
