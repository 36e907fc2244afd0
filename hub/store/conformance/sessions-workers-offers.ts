import { describe, expect, it } from 'vitest';
import type { StoreUnderTest } from './index';
import { offer, workerUpsert } from './fixtures';

export function describeSessionsWorkersOffers(subject: StoreUnderTest): void {
  describe('sessions', () => {
    it('finds a session by its token hash; saving the hash again replaces it', async () => {
      const store = await subject.open();
      await store.saveSession({ tokenHash: 'hash-1', address: 'addr-1', audience: 'renter', createdAtMs: 10, expiresAtMs: 1_000 });
      expect(await store.findSession('hash-1')).toEqual({ tokenHash: 'hash-1', address: 'addr-1', audience: 'renter', createdAtMs: 10, expiresAtMs: 1_000 });
      expect(await store.findSession('hash-2')).toBeNull();
      await store.saveSession({ tokenHash: 'hash-1', address: 'addr-2', audience: 'worker', createdAtMs: 20, expiresAtMs: 2_000 });
      expect(await store.findSession('hash-1')).toEqual({ tokenHash: 'hash-1', address: 'addr-2', audience: 'worker', createdAtMs: 20, expiresAtMs: 2_000 });
    });

    it('deletes exactly the sessions expired at the given time (expiry <= now) and counts them', async () => {
      const store = await subject.open();
      for (const [hash, expiresAtMs] of [['early', 500], ['at-now', 1_000], ['later', 1_001]] as const) {
        await store.saveSession({ tokenHash: hash, address: 'addr', audience: 'renter', createdAtMs: 1, expiresAtMs });
      }
      expect(await store.deleteExpiredSessions(1_000)).toBe(2);
      expect(await store.findSession('early')).toBeNull();
      expect(await store.findSession('at-now')).toBeNull();
      expect(await store.findSession('later')).toEqual({ tokenHash: 'later', address: 'addr', audience: 'renter', createdAtMs: 1, expiresAtMs: 1_001 });
      expect(await store.deleteExpiredSessions(1_000)).toBe(0);
    });

    it('deletes one session by its hash (sign-out) and says whether it existed', async () => {
      const store = await subject.open();
      await store.saveSession({ tokenHash: 'out-1', address: 'addr', audience: 'renter', createdAtMs: 1, expiresAtMs: 5_000 });
      await store.saveSession({ tokenHash: 'out-2', address: 'addr', audience: 'worker', createdAtMs: 1, expiresAtMs: 5_000 });
      expect(await store.deleteSession('out-1')).toBe(true);
      expect(await store.deleteSession('out-1')).toBe(false);
      expect(await store.findSession('out-1')).toBeNull();
      expect(await store.findSession('out-2')).toMatchObject({ audience: 'worker' });
    });
  });

  describe('GPU bindings', () => {
    it('binds a UUID to the first (owner, machine) that registers it; later claims read that binding until it is moved', async () => {
      const store = await subject.open();
      expect(await store.bindGpus('owner-a', 'machine-a', ['GPU-1', 'GPU-2'], 10)).toEqual([
        { gpuUuid: 'GPU-1', owner: 'owner-a', machineId: 'machine-a', boundAtMs: 10 },
        { gpuUuid: 'GPU-2', owner: 'owner-a', machineId: 'machine-a', boundAtMs: 10 },
      ]);
      expect(await store.bindGpus('owner-b', 'machine-b', ['GPU-2', 'GPU-3'], 20)).toEqual([
        { gpuUuid: 'GPU-2', owner: 'owner-a', machineId: 'machine-a', boundAtMs: 10 },
        { gpuUuid: 'GPU-3', owner: 'owner-b', machineId: 'machine-b', boundAtMs: 20 },
      ]);
      await store.moveGpuBinding({ gpuUuid: 'GPU-2', owner: 'owner-b', machineId: 'machine-b', boundAtMs: 30 });
      expect(await store.bindGpus('owner-a', 'machine-a', ['GPU-2'], 40)).toEqual([{ gpuUuid: 'GPU-2', owner: 'owner-b', machineId: 'machine-b', boundAtMs: 30 }]);
    });
  });

  describe('workers', () => {
    it('keeps one worker per owner and machine: an upsert of a known machine resumes its id and history, with new hardware, region and host', async () => {
      const store = await subject.open();
      const input = workerUpsert('wkr-1', { atMs: 100 });
      const created = await store.upsertWorker(input);
      const { owner, machineId, hardware, region, advertisedHost } = input;
      expect(created).toEqual({ workerId: 'wkr-1', owner, machineId, hardware, region, advertisedHost, firstSeenMs: 100, lastSeenMs: 100, onlineMs: 0 });
      expect(await store.listWorkers()).toEqual([created]);
      await store.recordPresence([{ workerId: 'wkr-1', addOnlineMs: 1_234, lastSeenMs: 150 }]);

      const moved = workerUpsert('wkr-other', { machineId: 'machine-wkr-1', hardware: { gpus: [] }, region: 'us-east', advertisedHost: 'gpu.example.org', atMs: 300 });
      const resumed = await store.upsertWorker(moved);
      expect(resumed).toEqual({
        workerId: 'wkr-1',
        owner,
        machineId,
        hardware: { gpus: [] },
        region: 'us-east',
        advertisedHost: 'gpu.example.org',
        firstSeenMs: 100,
        lastSeenMs: 300,
        onlineMs: 1_234,
      });
      expect(await store.listWorkers()).toEqual([resumed]);

      // The same machine id under another owner is another worker.
      const other = await store.upsertWorker(workerUpsert('wkr-3', { owner: 'supplier-b', machineId: 'machine-wkr-1', atMs: 400 }));
      expect(other.workerId).toBe('wkr-3');
      expect((await store.listWorkers()).map((w) => w.workerId).sort()).toEqual(['wkr-1', 'wkr-3']);
    });

    it('adds presence for many workers at once: online time accumulates and the last-seen time never goes back', async () => {
      const store = await subject.open();
      await store.upsertWorker(workerUpsert('wkr-1', { atMs: 100 }));
      await store.upsertWorker(workerUpsert('wkr-2', { atMs: 100 }));
      await store.recordPresence([
        { workerId: 'wkr-1', addOnlineMs: 1_000, lastSeenMs: 500 },
        { workerId: 'wkr-2', addOnlineMs: 250, lastSeenMs: 600 },
      ]);
      await store.recordPresence([{ workerId: 'wkr-1', addOnlineMs: 500, lastSeenMs: 400 }]);
      await store.recordPresence([]);
      const seen = Object.fromEntries((await store.listWorkers()).map((w) => [w.workerId, [w.onlineMs, w.lastSeenMs]]));
      expect(seen).toEqual({ 'wkr-1': [1_500, 500], 'wkr-2': [250, 600] });
    });

    it('counts hardware checks per worker; a worker’s facts start at zero', async () => {
      const store = await subject.open();
      const zero = { leasesCompleted: 0, leasesEndedBySupplier: 0, hardwareChecksPassed: 0, hardwareChecksTotal: 0, attestationsPassed: 0, attestationsFailed: 0, refundsMissed: 0 };
      expect(await store.workerFacts('wkr-unknown')).toEqual({ workerId: 'wkr-unknown', ...zero });
      await store.upsertWorker(workerUpsert('wkr-1'));
      await store.upsertWorker(workerUpsert('wkr-2'));
      expect(await store.workerFacts('wkr-1')).toEqual({ workerId: 'wkr-1', ...zero });
      await store.recordHardwareCheck('wkr-1', true);
      await store.recordHardwareCheck('wkr-1', false);
      await store.recordHardwareCheck('wkr-2', true);
      expect(await store.workerFacts('wkr-1')).toEqual({ workerId: 'wkr-1', ...zero, hardwareChecksPassed: 1, hardwareChecksTotal: 2 });
      expect((await store.listWorkerFacts()).sort((a, b) => a.workerId.localeCompare(b.workerId))).toEqual([
        { workerId: 'wkr-1', ...zero, hardwareChecksPassed: 1, hardwareChecksTotal: 2 },
        { workerId: 'wkr-2', ...zero, hardwareChecksPassed: 1, hardwareChecksTotal: 1 },
      ]);
    });
  });

  describe('offers', () => {
    it('lists saved offers until they are withdrawn; saving a withdrawn offer again brings it back with its new terms', async () => {
      const store = await subject.open();
      await store.upsertWorker(workerUpsert('wkr-1'));
      const first = offer('ofr-1', 'wkr-1');
      const second = offer('ofr-2', 'wkr-1', { gpuModel: 'NVIDIA A100-SXM4-80GB', vramMiB: 81_920 });
      await store.saveOffer(first);
      await store.saveOffer(second);
      const sorted = async () => (await store.listActiveOffers()).sort((a, b) => a.offerId.localeCompare(b.offerId));
      expect(await sorted()).toEqual([first, second]);

      await store.withdrawOffer('ofr-1', 300);
      await store.withdrawOffer('ofr-unknown', 300);
      expect(await sorted()).toEqual([second]);

      const terms = { ...first.terms, pricePerGpuHour: '2500000', interruptible: true, schedule: [{ days: [1, 2], startMinuteUtc: 60, endMinuteUtc: 600 }] };
      await store.saveOffer({ ...first, terms, createdAtMs: 900, updatedAtMs: 900 });
      expect(await sorted()).toEqual([{ ...first, terms, createdAtMs: first.createdAtMs, updatedAtMs: 900 }, second]);
    });
  });
}
