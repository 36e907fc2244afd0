import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteHubStore } from './sqlite-hub-store';
import { HUB_MIGRATIONS } from './migrations';
import { credit, incrementPayments, newLease, offer, workerUpsert } from './conformance/fixtures';

// What every HubStore promises is in hub-store.conformance.test.ts; this file holds what
// only SQLite does: the file's journal mode and the durability each write is made with.

const dirs: string[] = [];
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-store-'));
  dirs.push(dir);
  return join(dir, 'hub.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const FULL = 2;
const NORMAL = 1;

describe('SqliteHubStore', () => {
  it('opens hub.db in WAL with foreign keys on, at the latest schema', async () => {
    const store = new SqliteHubStore(freshPath());
    expect(store.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.connection.pragma('user_version', { simple: true })).toBe(HUB_MIGRATIONS.length);
    await store.close();
  });

  it('writes money and lease rows with synchronous=FULL and heartbeat-rate rows with NORMAL', async () => {
    const store = new SqliteHubStore(freshPath());
    const level = () => store.connection.pragma('synchronous', { simple: true });
    expect(level()).toBe(FULL);
    const writes: [string, () => Promise<unknown>, number][] = [
      ['saveSession', () => store.saveSession({ tokenHash: 'h', address: 'a', createdAtMs: 1, expiresAtMs: 2 }), NORMAL],
      ['createLease', () => store.createLease(newLease('lease-a')), FULL],
      ['upsertWorker', () => store.upsertWorker(workerUpsert('wkr-1')), NORMAL],
      ['creditPayment', () => store.creditPayment(credit('lease-a', 0, 'sig-1')), FULL],
      ['recordPresence', () => store.recordPresence([{ workerId: 'wkr-1', addOnlineMs: 1, lastSeenMs: 2 }]), NORMAL],
      ['transitionLease', () => store.transitionLease({ leaseId: 'lease-a', from: 'reserved', to: 'paid', endReason: null, atMs: 3, reason: 'paid' }), FULL],
      ['saveOffer', () => store.saveOffer(offer('ofr-1', 'wkr-1')), NORMAL],
      ['setNodeState', () => store.setNodeState('lease-a', 0, 'pulling', null, 4), FULL],
      ['withdrawOffer', () => store.withdrawOffer('ofr-1', 5), NORMAL],
      ['extendLease', () => store.extendLease('lease-a', 3, incrementPayments('lease-a', 2)), FULL],
      ['recordHardwareCheck', () => store.recordHardwareCheck('wkr-1', true), NORMAL],
      ['deleteExpiredSessions', () => store.deleteExpiredSessions(10), NORMAL],
    ];
    for (const [name, write, expected] of writes) {
      await write();
      expect({ name, synchronous: level() }).toEqual({ name, synchronous: expected });
    }
    await store.close();
  });

  it('credits a payment and ends a lease in one transaction with their facts: when the facts cannot be written, neither happens', async () => {
    const store = new SqliteHubStore(freshPath());
    await store.createLease(newLease('lease-a'));
    // A fault only the raw connection can plant: the renters' facts table is gone.
    store.connection.exec('DROP TABLE renter_facts');
    await expect(store.creditPayment(credit('lease-a', 0, 'sig-1'))).rejects.toThrow(/renter_facts/);
    const facts = { workersCompleted: [], workersEndedBySupplier: [], renterMissedIncrement: true };
    await expect(store.transitionLease({ leaseId: 'lease-a', from: 'reserved', to: 'ended', endReason: 'unpaid', atMs: 3, reason: 'unpaid', facts })).rejects.toThrow(/renter_facts/);
    const stored = await store.getLease('lease-a');
    expect(stored?.payments.map((p) => p.signature)).toEqual([null, null, null, null]);
    expect([stored?.state, stored?.transitions.length]).toEqual(['reserved', 1]);
    expect(await store.volumePaidAllTime()).toBe(0n);
    await store.close();
  });
});
