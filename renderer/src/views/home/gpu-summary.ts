import type { Gpu } from '../../../../common/hardware/gpu';
import { formatCount, formatVram, formatWatts } from '../../format/hardware-format';

/** "8 GPUs · 256 GiB VRAM · 2400 W limit": the machine at a glance; unknown parts left out. */
export function gpuSummary(gpus: readonly Gpu[]): string {
  const parts = [formatCount(gpus.length, 'GPU')];
  const vram = sumKnown(gpus.map((g) => g.vramTotalMiB));
  if (vram !== null) parts.push(`${formatVram(vram)} VRAM`);
  const power = sumKnown(gpus.map((g) => g.powerLimitW));
  if (power !== null) parts.push(`${formatWatts(power)} power limit`);
  // A GPU that cannot be handed to a container (an AMD card whose render node was not
  // found) is counted above but cannot be lent: say so rather than let the total promise it.
  const notLendable = gpus.filter((g) => !g.lendable).length;
  if (notLendable > 0) parts.push(notLendable === gpus.length ? 'none can be lent' : `${notLendable} cannot be lent`);
  return parts.join(' · ');
}

/** The sum, or null when any part is unknown: a partial total would mislead. */
function sumKnown(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}
