import { describe, expect, it } from 'vitest';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import { DEFAULT_LEND_TERMS } from '../../../common/market/lend-types';
import type { SupplierLeaseState } from '../../../common/market/lend-types';
import type { StoredLease } from './supplier-lease-store';
import { supplierStatus } from './supplier-status';
import type { SupplierStatusInput } from './supplier-status';

const stored = (leaseId: string, state: SupplierLeaseState): StoredLease => ({
  lease: {
    leaseId, state: 'paid', renter: 'R', rank: 0, worldSize: 1, gpuUuids: ['GPU-a'], job: { image: 'busybox:1', masterPort: 29500, ports: [] },
    peers: [], masterAddr: '10.0.0.1', masterPort: 29500, incrementMs: 600_000, graceMs: 60_000, incrementCount: 2, startedAtMs: null, paidThroughMs: null, mint: 'M', payments: [],
  } satisfies WorkerLease,
  state, jobId: null, paidThroughMs: null, graceMs: 60_000, startedAtMs: null, endedAtMs: null, message: null,
});

// Wednesday 2024-01-03 12:00 UTC.
const NOW = Date.UTC(2024, 0, 3, 12);
const input = (over: Partial<SupplierStatusInput> = {}): SupplierStatusInput => ({
  sharingEnabled: true, terms: { ...DEFAULT_LEND_TERMS, maxTemperatureC: 80 }, sharedGpuUuids: ['GPU-a', 'GPU-b'], leases: [], problem: null,
  connected: true, hubUrl: 'http://hub', workerId: 'w1', offers: [], guard: { maxTemperatureC: 80, hottestC: null, pausedSinceMs: null, hotSinceMs: null },
  todayEarned: 0n, nowMs: NOW, ...over,
});

describe('supplierStatus', () => {
  it('puts a problem before everything else, in its own words', () => {
    const status = supplierStatus(input({ problem: 'Docker is not running.', connected: false, leases: [{ stored: stored('L1', 'running'), earned: 0n }] }));
    expect(status).toMatchObject({ state: 'error', message: 'Docker is not running.' });
  });

  it('is off only when sharing is off AND no lease still runs', () => {
    expect(supplierStatus(input({ sharingEnabled: false, connected: false })).state).toBe('off');
    expect(supplierStatus(input({ sharingEnabled: false, leases: [{ stored: stored('L1', 'ended'), earned: 5n }] })).state).toBe('off');
    const draining = supplierStatus(input({ sharingEnabled: false, leases: [{ stored: stored('L1', 'running'), earned: 0n }] }));
    expect(draining).toMatchObject({ state: 'running', message: 'Running 1 lease. Sharing is off: no new leases after these.' });
  });

  it('says connecting until the hub session is up', () => {
    expect(supplierStatus(input({ connected: false })).state).toBe('connecting');
  });

  it('shows a paused-hot lease before the running ones, with the resume temperature', () => {
    const status = supplierStatus(input({ leases: [{ stored: stored('L1', 'running'), earned: 0n }, { stored: stored('L2', 'paused-hot'), earned: 0n }] }));
    expect(status.state).toBe('paused-hot');
    expect(status.message).toBe('A job is paused: its GPU went above 80 °C. It resumes below 75 °C.');
  });

  it('counts running leases and shared GPUs in the plural only when more than one', () => {
    expect(supplierStatus(input({ leases: [{ stored: stored('L1', 'pulling'), earned: 0n }, { stored: stored('L2', 'running'), earned: 0n }] })).message).toBe('Running 2 leases.');
    expect(supplierStatus(input()).message).toBe('Sharing 2 GPUs; waiting for a renter.');
    expect(supplierStatus(input({ sharedGpuUuids: ['GPU-a'] })).message).toBe('Sharing 1 GPU; waiting for a renter.');
  });

  it('tells when the schedule is closed, and says so in scheduleOpen', () => {
    const closed = supplierStatus(input({ terms: { ...DEFAULT_LEND_TERMS, schedule: [{ days: [0], startMinuteUtc: 0, endMinuteUtc: 60 }] } }));
    expect(closed).toMatchObject({ state: 'sharing', scheduleOpen: false, message: 'Sharing, but outside your schedule: no new leases until the next window.' });
    expect(supplierStatus(input()).scheduleOpen).toBe(true);
  });

  it('lists every recent lease (ended ones too) with what it earned, and today\'s total as a decimal string', () => {
    const status = supplierStatus(input({ leases: [{ stored: stored('L1', 'running'), earned: 1_500_000n }, { stored: stored('L0', 'ended'), earned: 2n }], todayEarned: 12_345_678_901_234_567n }));
    expect(status.leases.map((l) => [l.leaseId, l.state, l.earned])).toEqual([['L1', 'running', '1500000'], ['L0', 'ended', '2']]);
    expect(status.todayEarned).toBe('12345678901234567');
    expect(status).toMatchObject({ hubUrl: 'http://hub', workerId: 'w1', sharedGpuUuids: ['GPU-a', 'GPU-b'], sharingEnabled: true });
  });
});
