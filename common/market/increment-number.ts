/**
 * Increments are 0-based on the wire (payment memos, hub messages, ledger rows) and
 * numbered from 1 wherever a person reads them: the confirm dialog, the CSV, Earnings,
 * Explorer, the timeline, Spending and the lease card all say "increment 1" for the first.
 */
export function incrementNumber(wireIndex: number): number {
  return wireIndex + 1;
}
