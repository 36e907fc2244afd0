/**
 * The unused part of one paid increment, pro rata: the increment [start + k·len,
 * start + (k+1)·len) was paid `amount`; the machine served it until `servedUntilMs`.
 * A lease that never started (`startedAtMs` null) served nothing of it. Rounded down to a
 * whole base unit, so a refund never gives back more than was paid.
 */
export function unusedAmount(amount: bigint, increment: number, startedAtMs: number | null, incrementMs: number, servedUntilMs: number): bigint {
  if (amount <= 0n || incrementMs <= 0) return 0n;
  if (startedAtMs === null) return amount;
  const periodStartMs = startedAtMs + increment * incrementMs;
  const servedMs = Math.min(Math.max(servedUntilMs - periodStartMs, 0), incrementMs);
  const unusedMs = incrementMs - servedMs;
  return (amount * BigInt(Math.round(unusedMs))) / BigInt(incrementMs);
}
