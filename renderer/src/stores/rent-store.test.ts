import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { createRentStore, MAX_LOG_LINES_PER_LEASE, OFFERS_PER_PAGE } from './rent-store';
import { offerListing, rentLease, rentQuote, rentReceipt, SUPPLIER_A } from './rent-fixtures';
import { ScriptedApiClient, settle } from './scripted-api-client';

function client() {
  return new ScriptedApiClient()
    .answer('rent:leases', () => [rentLease('lease-old', {}, { createdAtMs: 1 }), rentLease('lease-new', {}, { createdAtMs: 5 })])
    .answer('rent:receipts', () => [rentReceipt('sig1')])
    .answer('rent:search', (p) => ({ offers: [offerListing(`o-${p.offset}`)], nextOffset: (p.offset ?? 0) < 50 ? (p.offset ?? 0) + OFFERS_PER_PAGE : null }))
    .answer('rent:lease', ({ leaseId }) => rentLease(leaseId));
}

const request = { gpuCount: 3, job: { image: 'busybox' }, durationMs: 3_600_000 };

describe('rent store', () => {
  it('loads leases newest first and receipts on start, and reloads receipts on rent:receipts-changed', async () => {
    const c = client();
    const store = createRentStore(c);
    store.getState().start();
    await settle();
    expect(store.getState().leaseOrder).toEqual(['lease-new', 'lease-old']);
    expect(store.getState().receipts.map((r) => r.signature)).toEqual(['sig1']);
    expect(c.callsOf('rent:search')).toHaveLength(0);
    c.answer('rent:receipts', () => [rentReceipt('sig2'), rentReceipt('sig1')]);
    c.emit('rent:receipts-changed', { atMs: 3 });
    await settle();
    await settle();
    expect(store.getState().receipts).toHaveLength(2);
  });

  it('says when renting is unavailable, with main’s words', async () => {
    const c = client()
      .answer('rent:leases', () => {
        throw new ApiError('unavailable', 'Renting is not available yet.');
      })
      .answer('rent:search', () => {
        throw new ApiError('unavailable', 'Renting is not available yet.');
      });
    const store = createRentStore(c);
    await store.getState().loadLeases();
    await store.getState().search();
    expect(store.getState().leasesError).toEqual({ message: 'Renting is not available yet.', unavailable: true });
    expect(store.getState().searchError?.unavailable).toBe(true);
    expect(store.getState().leasesLoading).toBe(false);
  });

  it('searches with the filters and pages forward and back', async () => {
    const c = client();
    const store = createRentStore(c);
    await store.getState().search({ sort: 'reliability', gpuModel: '4090', minGpus: 2 });
    expect(c.callsOf('rent:search')[0]).toEqual({ sort: 'reliability', gpuModel: '4090', minGpus: 2, offset: 0, limit: OFFERS_PER_PAGE });
    await store.getState().nextPage();
    expect(store.getState().offset).toBe(OFFERS_PER_PAGE);
    expect(store.getState().page?.offers[0]?.offerId).toBe(`o-${OFFERS_PER_PAGE}`);
    await store.getState().previousPage();
    expect(store.getState().offset).toBe(0);
    expect(store.getState().pageOffsets).toEqual([]);
  });

  it('keeps only the newest search answer', async () => {
    const c = client();
    let release: () => void = () => undefined;
    c.answer('rent:search', (p) =>
      p.gpuModel === 'slow'
        ? new Promise((resolve) => {
            release = () => resolve({ offers: [offerListing('slow')], nextOffset: null });
          })
        : { offers: [offerListing('fast')], nextOffset: null },
    );
    const store = createRentStore(c);
    const slow = store.getState().search({ sort: 'price', gpuModel: 'slow' });
    await store.getState().search({ sort: 'price', gpuModel: 'fast' });
    release();
    await slow;
    expect(store.getState().page?.offers[0]?.offerId).toBe('fast');
  });

  it('quotes, pays with the auto-pay budget and opens the lease', async () => {
    const c = client()
      .answer('rent:quote', () => rentQuote('lease-q'))
      .answer('rent:pay', ({ leaseId }) => rentLease(leaseId, { nextDue: null }, { state: 'paid', createdAtMs: 9 }));
    const store = createRentStore(c);
    const quote = await store.getState().requestQuote(request);
    expect(quote?.total).toBe('1500000');
    expect(store.getState().quoteRequest).toEqual(request);
    const lease = await store.getState().pay('lease-q', '1500000');
    expect(c.callsOf('rent:pay')).toEqual([{ leaseId: 'lease-q', autoPayBudget: '1500000' }]);
    expect(lease?.lease.state).toBe('paid');
    expect(store.getState().quote).toBeNull();
    expect(store.getState().tab).toBe('leases');
    expect(store.getState().openLeaseId).toBe('lease-q');
    expect(store.getState().leaseOrder).toContain('lease-q');
  });

  it('keeps the quote and says why when paying fails (declined in the wallet)', async () => {
    const c = client()
      .answer('rent:quote', () => rentQuote('lease-q'))
      .answer('rent:pay', () => {
        throw new ApiError('forbidden', 'You declined the payment.');
      });
    const store = createRentStore(c);
    await store.getState().requestQuote(request);
    expect(await store.getState().pay('lease-q')).toBeNull();
    expect(c.callsOf('rent:pay')).toEqual([{ leaseId: 'lease-q' }]);
    expect(store.getState().quote?.leaseId).toBe('lease-q');
    expect(store.getState().actionError).toEqual({ action: 'pay', message: 'You declined the payment.' });
    expect(store.getState().busy).toBeNull();
  });

  it('discarding a quote releases the GPUs it holds at once (ends the unpaid lease)', async () => {
    const c = client()
      .answer('rent:quote', () => rentQuote('lease-q'))
      .answer('rent:terminate', ({ leaseId }) => rentLease(leaseId, {}, { state: 'ended', endReason: 'terminated' }));
    const store = createRentStore(c);
    await store.getState().requestQuote(request);
    store.getState().discardQuote();
    expect(store.getState().quote).toBeNull();
    await settle();
    expect(c.callsOf('rent:terminate')).toEqual([{ leaseId: 'lease-q' }]);
    // Nothing to release the second time.
    store.getState().discardQuote();
    await settle();
    expect(c.callsOf('rent:terminate')).toHaveLength(1);
  });

  it('follows a lease live: whole leases, node states, logs (bounded) and payments', async () => {
    const c = client();
    const store = createRentStore(c);
    store.getState().start();
    await settle();
    c.emit('rent:lease', rentLease('lease-new', {}, { state: 'starting', createdAtMs: 5 }));
    expect(store.getState().leases['lease-new']?.lease.state).toBe('starting');
    c.emit('rent:lease-event', { leaseId: 'lease-new', event: { type: 'lease.node', leaseId: 'lease-new', rank: 1, state: 'running', message: 'up', atMs: 7 } });
    expect(store.getState().leases['lease-new']?.lease.nodes[1]).toMatchObject({ state: 'running', message: 'up' });
    c.emit('rent:lease-event', { leaseId: 'lease-new', event: { type: 'lease.state', leaseId: 'lease-new', state: 'running', endReason: null, atMs: 8, reason: 'all nodes running' } });
    const lease = store.getState().leases['lease-new']!.lease;
    expect(lease.state).toBe('running');
    expect(lease.transitions.at(-1)).toMatchObject({ from: 'starting', to: 'running', reason: 'all nodes running' });
    c.emit('rent:lease-event', { leaseId: 'lease-new', event: { type: 'lease.payment', leaseId: 'lease-new', increment: 0, payee: SUPPLIER_A, amount: '150000', signature: 'sigA', atMs: 9 } });
    expect(store.getState().leases['lease-new']?.lease.increments[0]?.payments[0]?.signature).toBe('sigA');
    // The mesh as the nodes measured it: the lease view's mesh card reads RentLease.mesh.
    const mesh = { leaseId: 'lease-new', state: 'ready' as const, pairs: [{ fromRank: 0, toRank: 1, path: 'relayed' as const, rttMs: 4.2, bitsPerSecond: 3e8, upAfterMs: 2600 }] };
    c.emit('rent:lease-event', { leaseId: 'lease-new', event: { type: 'lease.mesh', leaseId: 'lease-new', mesh, atMs: 9 } });
    expect(store.getState().leases['lease-new']?.mesh).toEqual(mesh);
    for (let i = 0; i < MAX_LOG_LINES_PER_LEASE + 5; i++) {
      c.emit('rent:lease-event', { leaseId: 'lease-new', event: { type: 'lease.log', leaseId: 'lease-new', rank: 0, stream: i % 2 ? 'stderr' : 'stdout', text: `line ${i}`, atMs: 10 + i } });
    }
    const logs = store.getState().leases['lease-new']!.logs;
    expect(logs).toHaveLength(MAX_LOG_LINES_PER_LEASE);
    expect(logs.at(-1)?.text).toBe(`line ${MAX_LOG_LINES_PER_LEASE + 4}`);
  });

  it('fetches a lease it has not seen when one of its events arrives, without navigating', async () => {
    const c = client();
    const store = createRentStore(c);
    store.getState().start();
    await settle();
    c.emit('rent:lease-event', { leaseId: 'lease-x', event: { type: 'lease.log', leaseId: 'lease-x', rank: 0, stream: 'stdout', text: 'hi', atMs: 1 } });
    await settle();
    expect(store.getState().leases['lease-x']).toBeDefined();
    expect(store.getState().openLeaseId).toBeNull();
  });

  it('pays next, extends, terminates and sets auto-pay, keeping the lease fresh', async () => {
    const c = client()
      .answer('rent:pay-next', ({ leaseId }) => rentLease(leaseId, { nextDue: null }, { state: 'running' }))
      .answer('rent:extend', ({ leaseId, increments }) => rentLease(leaseId, {}, { incrementCount: 6 + increments }))
      .answer('rent:terminate', ({ leaseId }) => rentLease(leaseId, { nextDue: null }, { state: 'ended', endReason: 'terminated' }))
      .answer('rent:set-auto-pay', ({ enabled, budget }) => ({ enabled, limit: budget ?? '0', spent: '0' }));
    const store = createRentStore(c);
    await store.getState().openLease('lease-1');
    expect(store.getState().openLeaseId).toBe('lease-1');
    await store.getState().payNext('lease-1');
    expect(store.getState().leases['lease-1']?.nextDue).toBeNull();
    await store.getState().extend('lease-1', 2);
    expect(store.getState().leases['lease-1']?.lease.incrementCount).toBe(8);
    await store.getState().setAutoPay('lease-1', true, '500000');
    expect(store.getState().leases['lease-1']?.autoPay).toEqual({ enabled: true, limit: '500000', spent: '0' });
    expect(c.callsOf('rent:set-auto-pay')).toEqual([{ leaseId: 'lease-1', enabled: true, budget: '500000' }]);
    await store.getState().terminate('lease-1');
    expect(store.getState().leases['lease-1']?.lease.endReason).toBe('terminated');
  });

  it('reports a failed extend where it happened', async () => {
    const c = client().answer('rent:extend', () => {
      throw new ApiError('conflict', 'The supplier’s maximum lease is reached.');
    });
    const store = createRentStore(c);
    expect(await store.getState().extend('lease-1', 1)).toBeNull();
    expect(store.getState().actionError?.action).toBe('extend');
    store.getState().dismissActionError();
    expect(store.getState().actionError).toBeNull();
  });

  it('reloads everything shown, including the search and the open lease, on load()', async () => {
    const c = client();
    const store = createRentStore(c);
    await store.getState().search();
    await store.getState().openLease('lease-1');
    const before = c.calls.length;
    await store.getState().load();
    const names = c.calls.slice(before).map((x) => x.name).sort();
    expect(names).toEqual(['rent:lease', 'rent:leases', 'rent:receipts', 'rent:search']);
  });

  it('reloads leases and receipts when the active wallet changes', async () => {
    const c = client();
    const store = createRentStore(c);
    store.getState().start();
    await settle();
    await store.getState().openLease('lease-new');
    const wallet = { activeAddress: 'Addr2', locked: false } as unknown as Parameters<typeof c.emit<'wallet:changed'>>[1];
    c.emit('wallet:changed', wallet);
    await settle();
    expect(c.callsOf('rent:leases')).toHaveLength(2);
    expect(c.callsOf('rent:receipts')).toHaveLength(2);
    expect(store.getState().openLeaseId).toBeNull();
    c.emit('wallet:changed', wallet);
    await settle();
    expect(c.callsOf('rent:leases')).toHaveLength(2);
  });

  it('refreshes the page shown quietly, and asks once for an unknown lease however many events arrive', async () => {
    const c = client();
    const store = createRentStore(c);
    await store.getState().search();
    await store.getState().nextPage();
    const seen: boolean[] = [];
    const off = store.subscribe((s) => seen.push(s.searching));
    await store.getState().refreshSearch();
    off();
    expect(seen).not.toContain(true);
    expect(c.callsOf('rent:search').at(-1)).toMatchObject({ offset: OFFERS_PER_PAGE });
    store.getState().start();
    await settle();
    const before = c.callsOf('rent:lease').length;
    for (let i = 0; i < 5; i++) c.emit('rent:lease-event', { leaseId: 'lease-y', event: { type: 'lease.log', leaseId: 'lease-y', rank: 0, stream: 'stdout', text: `${i}`, atMs: i } });
    await settle();
    expect(c.callsOf('rent:lease').length - before).toBe(1);
  });

  it('opens a dispute and keeps how the hub settled it; a refused one shows main’s words where it happened', async () => {
    const c = client().answer('rent:dispute', ({ complaint }) => ({ outcome: 'no-refund' as const, why: `The job exited non-zero on a healthy node (${complaint}).` }));
    const store = createRentStore(c);
    const result = await store.getState().dispute('lease-1', 'it crashed');
    expect(result?.outcome).toBe('no-refund');
    expect(store.getState().disputes['lease-1']?.why).toMatch(/it crashed/);
    c.answer('rent:dispute', () => {
      throw new ApiError('not_found', 'You have no lease lease-2.');
    });
    expect(await store.getState().dispute('lease-2', 'x')).toBeNull();
    expect(store.getState().actionError).toEqual({ action: 'dispute', message: 'You have no lease lease-2.' });
  });

  it('marks a node’s GPU check from live events: ready, then failed with its reason', async () => {
    const c = client().answer('rent:lease', ({ leaseId }) => rentLease(leaseId, {}, { state: 'reserved', attestation: [{ rank: 0, state: 'preparing', reason: null, message: null, ready: null, updatedAtMs: 1 }] }));
    const store = createRentStore(c);
    store.getState().start();
    await store.getState().openLease('lease-a');
    c.emit('rent:lease-event', { leaseId: 'lease-a', event: { type: 'lease.attest', leaseId: 'lease-a', rank: 0, atMs: 2, message: { type: 'ready', device: 'cpu', gpus: [], torch: 'x', prover: 'container' } } });
    expect(store.getState().leases['lease-a']?.lease.attestation?.[0]?.state).toBe('ready');
    c.emit('rent:lease-event', { leaseId: 'lease-a', event: { type: 'lease.attested', leaseId: 'lease-a', rank: 0, passed: false, reason: 'attestation_late', message: 'too slow', atMs: 3 } });
    expect(store.getState().leases['lease-a']?.lease.attestation?.[0]).toMatchObject({ state: 'failed', reason: 'attestation_late', message: 'too slow' });
  });
});
