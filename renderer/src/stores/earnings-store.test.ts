import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { createEarningsStore } from './earnings-store';
import { earningRow, earningsSummary } from './market-fixtures';
import { ScriptedApiClient, settle } from './scripted-api-client';

function client() {
  return new ScriptedApiClient()
    .answer('earnings:summary', () => earningsSummary())
    .answer('earnings:list', () => [earningRow('sig1')]);
}

describe('earnings store', () => {
  it('loads the summary and the rows, and reloads on earnings:changed', async () => {
    const c = client();
    const store = createEarningsStore(c);
    store.getState().start();
    await settle();
    expect(store.getState().summary?.today.net).toBe('430000');
    expect(store.getState().rows.map((r) => r.signature)).toEqual(['sig1']);
    c.answer('earnings:list', () => [earningRow('sig2'), earningRow('sig1')]);
    c.emit('earnings:changed', { atMs: 2 });
    await settle();
    await settle();
    expect(store.getState().rows).toHaveLength(2);
  });

  it('folds a burst of changes into one more load', async () => {
    const c = client();
    const store = createEarningsStore(c);
    const first = store.getState().load();
    void store.getState().load();
    void store.getState().load();
    await first;
    await settle();
    expect(c.callsOf('earnings:summary')).toHaveLength(2);
  });

  it('shows why it could not load', async () => {
    const c = client().answer('earnings:summary', () => {
      throw new ApiError('unavailable', 'Earnings are not available: restart Idlegrid.');
    });
    const store = createEarningsStore(c);
    await store.getState().load();
    expect(store.getState().error).toMatch(/not available/);
    expect(store.getState().loading).toBe(false);
  });

  it('exports the CSV and reconciles, keeping the report', async () => {
    const c = client()
      .answer('earnings:export-csv', () => ({ filename: 'earnings.csv', csv: 'signature\nsig1\n' }))
      .answer('earnings:reconcile', () => ({ checked: 2, ok: 1, mismatched: [{ signature: 'sig2', reason: 'amount differs' }], atMs: 5 }));
    const store = createEarningsStore(c);
    expect((await store.getState().exportCsv())?.filename).toBe('earnings.csv');
    const report = await store.getState().runReconcile();
    expect(report?.mismatched).toHaveLength(1);
    expect(store.getState().reconcile?.checked).toBe(2);
    expect(store.getState().busy).toBeNull();
    expect(c.callsOf('earnings:summary').length).toBeGreaterThan(0);
  });
});
