/**
 * Labels for a chart's time axis. uPlot's default puts a full date under every
 * few ticks, which crowds a small chart; one line per tick, as fine as the tick
 * spacing needs, reads better. 24-hour times: "13:05" fits where "01:05 PM" does not.
 */
export type TickGranularity = 'seconds' | 'minutes' | 'days';

export function tickGranularity(incrementSec: number): TickGranularity {
  if (incrementSec < 60) return 'seconds';
  if (incrementSec < 24 * 3600) return 'minutes';
  return 'days';
}

export function timeTickLabels(ticksSec: readonly number[], incrementSec: number): string[] {
  const granularity = tickGranularity(incrementSec);
  const options: Intl.DateTimeFormatOptions =
    granularity === 'seconds'
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
      : granularity === 'minutes'
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : { weekday: 'short', day: 'numeric' };
  const format = new Intl.DateTimeFormat(undefined, options);
  return ticksSec.map((t) => format.format(new Date(t * 1000)));
}
