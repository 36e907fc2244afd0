import { describe, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { accessRequestText } from '../../../../common/access/access-request';
import type { AccessRequest } from '../../../../common/access/access-request';
import type { WorkerLease } from '../../../../common/hub/worker-messages';
import { createTestWallet } from '../../../../hub/testing/test-wallet';
import type { StoredLease } from '../supplier-lease-store';
import { AccessGate } from './access-gate';

// The supplier's own check of relayed streams, with real ed25519 signatures: what a lying
// hub could relay is refused here with a reason.
const base58 = getBase58Decoder();
const NOW = 1_800_000_000_000;
const renter = createTestWallet();
const stranger = createTestWallet();

function stored(state: StoredLease['state'], rank = 1): StoredLease {
  return { lease: { leaseId: 'lease-1', renter: renter.address, rank } as WorkerLease, state, jobId: state === 'running' ? 'job-1' : null, paidThroughMs: NOW + 60_000, graceMs: 1_000, startedAtMs: NOW - 1_000, endedAtMs: null, message: null };
}

async function sign(wallet: typeof renter, request: AccessRequest) {
  return { request, signature: base58.decode(await wallet.signMessage(new TextEncoder().encode(accessRequestText(request)))) };
}

const request = (extra: Partial<AccessRequest> = {}): AccessRequest => ({ leaseId: 'lease-1', rank: 1, renter: renter.address, kind: 'terminal', nonce: `nonce-${Math.random().toString(36).slice(2)}-xyz`, issuedAtMs: NOW, ...extra });

describe('AccessGate', () => {
  const gate = (lease: StoredLease | null) => new AccessGate({ lease: () => lease, nowMs: () => NOW });

  it('lets the lease renter in on its node, once per request', async () => {
    const g = gate(stored('running'));
    const signed = await sign(renter, request());
    expect(g.check(signed)).toMatchObject({ ok: true });
    expect(g.check(signed)).toMatchObject({ ok: false, code: 'forbidden', reason: expect.stringContaining('already used') });
  });

  it('refuses another wallet, a forged renter, another node, an unknown or ended lease and a stale request', async () => {
    expect(gate(stored('running')).check(await sign(stranger, request({ renter: stranger.address })))).toMatchObject({ ok: false, code: 'forbidden', reason: expect.stringContaining("not this renter's") });
    expect(gate(stored('running')).check(await sign(stranger, request()))).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(gate(stored('running')).check(await sign(renter, request({ rank: 0 })))).toMatchObject({ ok: false, code: 'not_found', reason: expect.stringContaining('not node 0') });
    expect(gate(null).check(await sign(renter, request()))).toMatchObject({ ok: false, code: 'not_found', reason: expect.stringContaining('runs no lease') });
    expect(gate(stored('ended')).check(await sign(renter, request()))).toMatchObject({ ok: false, code: 'conflict', reason: expect.stringContaining('has ended') });
    expect(gate(stored('pulling')).check(await sign(renter, request()))).toMatchObject({ ok: false, code: 'conflict', reason: expect.stringContaining('pulling') });
    expect(gate(stored('running')).check(await sign(renter, request({ issuedAtMs: NOW - 10 * 60_000 })))).toMatchObject({ ok: false, code: 'forbidden', reason: expect.stringContaining('ago') });
  });
});
