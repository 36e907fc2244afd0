import type { RenterFacts, WorkerFacts } from '../store/hub-store';

/**
 * Reputation from observed facts only — never from what a worker or renter says about
 * itself. Scores are 0…1 and rounded so they sort and display stably.
 *
 * Worker: 40 % uptime (time online over time known), 50 % leases completed against leases
 * ended by the supplier's side (with one of each assumed, so a newcomer starts at 0.5
 * rather than at 0 or 1 and a single lease cannot swing it to an extreme), 10 % hardware
 * checks passed.
 * Renter: increments paid on time against late and missed ones, with the same prior; a
 * quote left to expire unpaid (GPUs held for nothing) counts as half a missed increment.
 */
export interface WorkerReputationInput {
  facts: WorkerFacts;
  onlineMs: number;
  knownForMs: number;
}

export function workerUptime(onlineMs: number, knownForMs: number): number {
  if (knownForMs <= 0) return 1;
  return Math.min(1, Math.max(0, onlineMs / knownForMs));
}

export function workerScore({ facts, onlineMs, knownForMs }: WorkerReputationInput): number {
  const uptime = workerUptime(onlineMs, knownForMs);
  const completion = (facts.leasesCompleted + 1) / (facts.leasesCompleted + facts.leasesEndedBySupplier + 2);
  const hardware = facts.hardwareChecksTotal === 0 ? 1 : facts.hardwareChecksPassed / facts.hardwareChecksTotal;
  return round3(0.4 * uptime + 0.5 * completion + 0.1 * hardware);
}

export function renterScore(facts: RenterFacts): number {
  const good = facts.incrementsOnTime + 0.5 * facts.incrementsLate + 1;
  const all = facts.incrementsOnTime + facts.incrementsLate + facts.incrementsMissed + 0.5 * facts.reservationsExpired + 1;
  return round3(good / all);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
