import type { RenterFacts, WorkerFacts } from '../store/hub-store';

/**
 * Reputation from observed facts only — never from what a worker or renter says about
 * itself. Scores are 0…1 and rounded so they sort and display stably.
 *
 * Worker (issue 13: a new identity starts LOW and earns trust by proving its GPUs and
 * finishing leases, so a freshly made key cannot claim 8× H100 and be trusted):
 *
 *   score = 0.30 × uptime
 *         + 0.35 × completion    (completed + 1) / (completed + endedBySupplier + 3)
 *         + 0.25 × attestation   (passed + 1) / (passed + failed·3 + 3)
 *         + 0.10 × hardware      checks passed / checks made (1 when none)
 *         − 0.10 × refunds missed (at most 3 counted)
 *
 * The "+1 / +3" are priors: a newcomer counts as one good outcome out of three, so it
 * starts at 0.30 + 0.35/3 + 0.25/3 + 0.10 = 0.60 and climbs toward 1 only with observed
 * passes and completed leases; a failed attestation weighs as three outcomes.
 * Renter: increments paid on time against late and missed ones, with a prior of one; a
 * quote left to expire unpaid (GPUs held for nothing) counts as half a missed increment.
 */
export interface WorkerReputationInput {
  facts: WorkerFacts;
  onlineMs: number;
  knownForMs: number;
}

export const WORKER_WEIGHTS = { uptime: 0.3, completion: 0.35, attestation: 0.25, hardware: 0.1, refundsMissed: 0.1 } as const;

/** Until a worker has this many attestations passed AND leases completed, its exposure is capped. */
export const ESTABLISHED_AFTER = { attestationsPassed: 3, leasesCompleted: 3 } as const;
/** A new identity's caps: concurrent leases, and the value of one increment on it (base units of the payment token). */
export const NEWCOMER_MAX_LEASES = 1;
export const NEWCOMER_MAX_INCREMENT_VALUE = 5_000_000n;

/**
 * Whether anything has been observed of a worker's service yet (a lease ended, an
 * attestation of its GPUs, a refund missed; not the hardware report checked at every
 * hello). Until then its score is only the priors and the market shows it as "new"
 * rather than as a percentage that reads like a record.
 */
export function hasTrackRecord(facts: Omit<WorkerFacts, 'workerId'>): boolean {
  return facts.leasesCompleted + facts.leasesEndedBySupplier + facts.attestationsPassed + facts.attestationsFailed + facts.refundsMissed > 0;
}

export function workerUptime(onlineMs: number, knownForMs: number): number {
  if (knownForMs <= 0) return 1;
  return Math.min(1, Math.max(0, onlineMs / knownForMs));
}

export interface WorkerScoreParts {
  uptime: number;
  completion: number;
  attestation: number;
  hardware: number;
  refundsMissed: number;
}

export function workerScoreParts({ facts, onlineMs, knownForMs }: WorkerReputationInput): WorkerScoreParts {
  return {
    uptime: workerUptime(onlineMs, knownForMs),
    completion: (facts.leasesCompleted + 1) / (facts.leasesCompleted + facts.leasesEndedBySupplier + 3),
    attestation: (facts.attestationsPassed + 1) / (facts.attestationsPassed + 3 * facts.attestationsFailed + 3),
    hardware: facts.hardwareChecksTotal === 0 ? 1 : facts.hardwareChecksPassed / facts.hardwareChecksTotal,
    refundsMissed: Math.min(facts.refundsMissed, 3) / 3,
  };
}

export function workerScore(input: WorkerReputationInput): number {
  const p = workerScoreParts(input);
  const w = WORKER_WEIGHTS;
  const score = w.uptime * p.uptime + w.completion * p.completion + w.attestation * p.attestation + w.hardware * p.hardware - w.refundsMissed * p.refundsMissed;
  return round3(Math.min(1, Math.max(0, score)));
}

/** How much a worker may be trusted with at once: null = no cap (established). */
export interface WorkerExposure {
  established: boolean;
  maxConcurrentLeases: number | null;
  /** Base units per increment on this worker. */
  maxIncrementValue: bigint | null;
}

/**
 * Caps grow with proof: one more concurrent lease for every two outcomes that count
 * (attestations passed + leases completed), and the increment value doubles with each
 * lease completed, until the worker is established. A missed refund or a failed
 * attestation keeps it a newcomer until it has made up for it.
 */
export function workerExposure(facts: WorkerFacts): WorkerExposure {
  const proven = facts.attestationsPassed - 3 * facts.attestationsFailed;
  const completed = facts.leasesCompleted - facts.leasesEndedBySupplier;
  const established = facts.refundsMissed === 0 && proven >= ESTABLISHED_AFTER.attestationsPassed && completed >= ESTABLISHED_AFTER.leasesCompleted;
  if (established) return { established, maxConcurrentLeases: null, maxIncrementValue: null };
  const good = Math.max(0, proven) + Math.max(0, completed);
  return {
    established,
    maxConcurrentLeases: NEWCOMER_MAX_LEASES + Math.floor(good / 2),
    maxIncrementValue: NEWCOMER_MAX_INCREMENT_VALUE << BigInt(Math.min(Math.max(0, completed), 10)),
  };
}

/** "Why is my score X": each part in words, with its weight and what it adds. */
export interface ScoreExplanation {
  score: number;
  formula: string;
  parts: Array<{ name: keyof WorkerScoreParts; value: number; weight: number; adds: number; why: string }>;
  exposure: { established: boolean; maxConcurrentLeases: number | null; maxIncrementValue: string | null; why: string };
}

export function explainWorkerScore(input: WorkerReputationInput): ScoreExplanation {
  const p = workerScoreParts(input);
  const f = input.facts;
  const w = WORKER_WEIGHTS;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const exposure = workerExposure(f);
  const parts: ScoreExplanation['parts'] = [
    { name: 'uptime', value: p.uptime, weight: w.uptime, adds: w.uptime * p.uptime, why: `Online ${pct(p.uptime)} of the time the hub has known this machine.` },
    { name: 'completion', value: p.completion, weight: w.completion, adds: w.completion * p.completion, why: `${f.leasesCompleted} lease(s) completed, ${f.leasesEndedBySupplier} ended by this machine's side (counted as (completed + 1) / (completed + ended + 3)).` },
    { name: 'attestation', value: p.attestation, weight: w.attestation, adds: w.attestation * p.attestation, why: `${f.attestationsPassed} GPU attestation(s) passed, ${f.attestationsFailed} failed (a failure weighs three; (passed + 1) / (passed + 3·failed + 3)).` },
    { name: 'hardware', value: p.hardware, weight: w.hardware, adds: w.hardware * p.hardware, why: f.hardwareChecksTotal === 0 ? 'No hardware check yet.' : `${f.hardwareChecksPassed} of ${f.hardwareChecksTotal} hardware checks passed.` },
    { name: 'refundsMissed', value: p.refundsMissed, weight: -w.refundsMissed, adds: -w.refundsMissed * p.refundsMissed, why: `${f.refundsMissed} refund(s) owed to renters and not paid by their deadline.` },
  ];
  return {
    score: workerScore(input),
    formula: '0.30 × uptime + 0.35 × completion + 0.25 × attestation + 0.10 × hardware − 0.10 × refunds missed (of 3)',
    parts,
    exposure: {
      established: exposure.established,
      maxConcurrentLeases: exposure.maxConcurrentLeases,
      maxIncrementValue: exposure.maxIncrementValue === null ? null : exposure.maxIncrementValue.toString(10),
      why: exposure.established
        ? 'Established: no cap on concurrent leases or increment value.'
        : `New identity: at most ${exposure.maxConcurrentLeases} lease(s) at once and ${exposure.maxIncrementValue} base units per increment, until ${ESTABLISHED_AFTER.attestationsPassed} attestations are passed and ${ESTABLISHED_AFTER.leasesCompleted} leases completed with no refund missed.`,
    },
  };
}

/** "Why is my score X" for a renter: the formula and its facts in words. */
export function explainRenterScore(facts: RenterFacts): string {
  const score = renterScore(facts);
  return (
    `Score ${score.toFixed(2)} = (on time + ½·late + 1) / (on time + late + missed + ½·quotes left to expire + 1): ` +
    `${facts.incrementsOnTime} increment(s) paid on time, ${facts.incrementsLate} late, ${facts.incrementsMissed} missed, ${facts.reservationsExpired} quote(s) left to expire unpaid. ` +
    (facts.reservationsExpired > facts.incrementsOnTime + 2 ? 'More quotes expired than you paid increments: you may hold one reservation at a time until you pay more.' : 'Pay each increment before it is due and let quotes go (terminate) instead of leaving them to expire.')
  );
}

export function renterScore(facts: RenterFacts): number {
  const good = facts.incrementsOnTime + 0.5 * facts.incrementsLate + 1;
  const all = facts.incrementsOnTime + facts.incrementsLate + facts.incrementsMissed + 0.5 * facts.reservationsExpired + 1;
  return round3(good / all);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
