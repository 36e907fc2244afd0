import { describe, expect, it } from 'vitest';
import { renterScore, workerScore, workerUptime } from './reputation-score';

const facts = (completed: number, bySupplier: number, passed = 1, total = 1) => ({
  workerId: 'w',
  leasesCompleted: completed,
  leasesEndedBySupplier: bySupplier,
  hardwareChecksPassed: passed,
  hardwareChecksTotal: total,
});

describe('reputation scores', () => {
  it('ranks a worker by uptime, completed leases and hardware checks, with a newcomer in the middle', () => {
    const newcomer = workerScore({ facts: facts(0, 0), onlineMs: 0, knownForMs: 0 });
    expect(newcomer).toBe(0.75); // uptime 1 (nothing known), completion 0.5, hardware 1
    const steady = workerScore({ facts: facts(20, 0), onlineMs: 99, knownForMs: 100 });
    const flaky = workerScore({ facts: facts(20, 10), onlineMs: 60, knownForMs: 100 });
    const lying = workerScore({ facts: facts(20, 0, 1, 4), onlineMs: 99, knownForMs: 100 });
    expect(steady).toBeGreaterThan(lying);
    expect(lying).toBeGreaterThan(flaky);
    expect(steady).toBeLessThanOrEqual(1);
    expect(workerUptime(150, 100)).toBe(1);
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
});
