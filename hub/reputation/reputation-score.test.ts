import { describe, expect, it } from 'vitest';
import { NO_FACTS } from '../store/hub-store';
import type { WorkerFacts } from '../store/hub-store';
import { explainWorkerScore, hasTrackRecord, NEWCOMER_MAX_INCREMENT_VALUE, renterScore, workerExposure, workerScore, workerUptime } from './reputation-score';

const facts = (completed: number, bySupplier: number, passed = 1, total = 1, more: Partial<WorkerFacts> = {}): WorkerFacts => ({
  workerId: 'w',
  ...NO_FACTS,
  leasesCompleted: completed,
  leasesEndedBySupplier: bySupplier,
  hardwareChecksPassed: passed,
  hardwareChecksTotal: total,
  ...more,
});

describe('reputation scores', () => {
  it('starts a new identity low and lets it climb only with attestations passed and leases completed', () => {
    const newcomer = workerScore({ facts: facts(0, 0), onlineMs: 0, knownForMs: 0 });
    expect(newcomer).toBe(0.6); // 0.30 + 0.35/3 + 0.25/3 + 0.10
    const proven = workerScore({ facts: facts(20, 0, 1, 1, { attestationsPassed: 20 }), onlineMs: 99, knownForMs: 100 });
    const steady = workerScore({ facts: facts(20, 0), onlineMs: 99, knownForMs: 100 });
    const flaky = workerScore({ facts: facts(20, 10), onlineMs: 60, knownForMs: 100 });
    const lying = workerScore({ facts: facts(20, 0, 1, 4), onlineMs: 99, knownForMs: 100 });
    const faker = workerScore({ facts: facts(0, 0, 1, 1, { attestationsFailed: 2 }), onlineMs: 99, knownForMs: 100 });
    expect(proven).toBeGreaterThan(steady);
    expect(steady).toBeGreaterThan(lying);
    expect(lying).toBeGreaterThan(flaky);
    expect(faker).toBeLessThan(newcomer);
    expect(proven).toBeLessThanOrEqual(1);
    expect(workerUptime(150, 100)).toBe(1);
  });

  it('takes reputation away for a refund not paid by its deadline', () => {
    const base = { onlineMs: 99, knownForMs: 100 };
    expect(workerScore({ facts: facts(5, 0, 1, 1, { refundsMissed: 1 }), ...base })).toBeLessThan(workerScore({ facts: facts(5, 0), ...base }));
  });

  it('caps a new identity at one lease and a small increment, raising the caps with proof until it is established', () => {
    expect(workerExposure(facts(0, 0))).toEqual({ established: false, maxConcurrentLeases: 1, maxIncrementValue: NEWCOMER_MAX_INCREMENT_VALUE });
    expect(workerExposure(facts(2, 0, 1, 1, { attestationsPassed: 2 }))).toEqual({ established: false, maxConcurrentLeases: 3, maxIncrementValue: NEWCOMER_MAX_INCREMENT_VALUE * 4n });
    expect(workerExposure(facts(3, 0, 1, 1, { attestationsPassed: 3 }))).toEqual({ established: true, maxConcurrentLeases: null, maxIncrementValue: null });
    // A missed refund or a failed attestation keeps it capped.
    expect(workerExposure(facts(3, 0, 1, 1, { attestationsPassed: 3, refundsMissed: 1 })).established).toBe(false);
    expect(workerExposure(facts(3, 0, 1, 1, { attestationsPassed: 5, attestationsFailed: 1 })).established).toBe(false);
  });

  it('explains a score part by part, the parts adding up to it', () => {
    const input = { facts: facts(2, 1, 1, 1, { attestationsPassed: 1 }), onlineMs: 80, knownForMs: 100 };
    const why = explainWorkerScore(input);
    expect(why.score).toBe(workerScore(input));
    expect(Math.round(why.parts.reduce((s, p) => s + p.adds, 0) * 1000) / 1000).toBe(why.score);
    expect(why.parts.find((p) => p.name === 'completion')!.why).toMatch(/2 lease\(s\) completed, 1 ended/);
    expect(why.exposure.why).toMatch(/New identity: at most 2 lease\(s\) at once/);
  });

  it('ranks a renter by increments paid on time, late and missed', () => {
    const base = { address: 'r', incrementsOnTime: 10, incrementsLate: 0, incrementsMissed: 0, reservationsExpired: 0 };
    expect(renterScore(base)).toBe(1);
    expect(renterScore({ ...base, incrementsLate: 5 })).toBeLessThan(1);
    expect(renterScore({ ...base, incrementsMissed: 5 })).toBeLessThan(renterScore({ ...base, incrementsLate: 5 }));
    expect(renterScore({ address: 'r', incrementsOnTime: 0, incrementsLate: 0, incrementsMissed: 0, reservationsExpired: 0 })).toBe(1);
    // A quote left to expire counts against the renter, less than a missed increment.
    expect(renterScore({ ...base, reservationsExpired: 5 })).toBeLessThan(1);
    expect(renterScore({ ...base, reservationsExpired: 5 })).toBeGreaterThan(renterScore({ ...base, incrementsMissed: 5 }));
  });

  it('has a track record once anything was observed of a worker, not before', () => {
    expect(hasTrackRecord(NO_FACTS)).toBe(false);
    expect(hasTrackRecord({ ...NO_FACTS, leasesCompleted: 1 })).toBe(true);
    expect(hasTrackRecord({ ...NO_FACTS, attestationsFailed: 1 })).toBe(true);
    // The hardware report is checked at every hello: that is no record of service.
    expect(hasTrackRecord({ ...NO_FACTS, hardwareChecksPassed: 1, hardwareChecksTotal: 1 })).toBe(false);
  });
});
