import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { DEFAULT_LEND_TERMS } from '../../../common/market/lend-types';
import type { LendNotice } from '../../../common/market/lend-types';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { MAX_NOTICES, createLendStore } from './lend-store';
import { supplierStatus } from './market-fixtures';
import { ScriptedApiClient, settle } from './scripted-api-client';

function client() {
  return new ScriptedApiClient()
    .answer('lend:status', () => supplierStatus())
    .answer('lend:terms', () => DEFAULT_LEND_TERMS);
}

const notice = (atMs: number): LendNotice => ({ kind: 'payment', title: 'Payment received', body: '0.45 USDC', atMs });

describe('lend store', () => {
  it('loads the status and the terms', async () => {
    const store = createLendStore(client());
    store.getState().start();
    await settle();
    expect(store.getState().status?.state).toBe('off');
    expect(store.getState().terms).toEqual(DEFAULT_LEND_TERMS);
    expect(store.getState().loading).toBe(false);
  });

  it('shows the terms even when the supplier session is unavailable, with its message', async () => {
    const c = client().answer('lend:status', () => {
      throw new ApiError('unavailable', 'Sharing is not available yet: restart Idlegrid.');
    });
    const store = createLendStore(c);
    await store.getState().load();
    expect(store.getState().terms).toEqual(DEFAULT_LEND_TERMS);
    expect(store.getState().error).toBe('Sharing is not available yet: restart Idlegrid.');
  });

  it('follows lend:status events and keeps the newest notices first, capped', async () => {
    const c = client();
    const store = createLendStore(c);
    store.getState().start();
    await settle();
    c.emit('lend:status', supplierStatus({ state: 'sharing', sharingEnabled: true }));
    expect(store.getState().status?.state).toBe('sharing');
    for (let i = 0; i < MAX_NOTICES + 3; i++) c.emit('lend:notice', notice(i));
    expect(store.getState().notices).toHaveLength(MAX_NOTICES);
    expect(store.getState().notices[0]?.atMs).toBe(MAX_NOTICES + 2);
    store.getState().dismissNotice(MAX_NOTICES + 2);
    expect(store.getState().notices[0]?.atMs).toBe(MAX_NOTICES + 1);
  });

  it('follows settings:changed for the terms (the tray or another window changed them)', async () => {
    const c = client();
    const store = createLendStore(c);
    store.getState().start();
    await settle();
    c.emit('settings:changed', { ...DEFAULT_SETTINGS, lendTerms: { ...DEFAULT_LEND_TERMS, maxTemperatureC: 70 } });
    expect(store.getState().terms?.maxTemperatureC).toBe(70);
  });

  it('starts and stops sharing, with the status main returns', async () => {
    const c = client()
      .answer('lend:start-sharing', () => supplierStatus({ state: 'connecting', sharingEnabled: true }))
      .answer('lend:stop-sharing', () => supplierStatus());
    const store = createLendStore(c);
    expect(await store.getState().startSharing()).toBe(true);
    expect(store.getState().status?.state).toBe('connecting');
    expect(await store.getState().stopSharing()).toBe(true);
    expect(c.callsOf('lend:stop-sharing')).toEqual([{ stopRunning: false }]);
    expect(store.getState().busy).toBeNull();
  });

  it('reports a refused start with its message', async () => {
    const c = client().answer('lend:start-sharing', () => {
      throw new ApiError('unavailable', 'No wallet to be paid with: create one on Wallet.');
    });
    const store = createLendStore(c);
    expect(await store.getState().startSharing()).toBe(false);
    expect(store.getState().error).toBe('No wallet to be paid with: create one on Wallet.');
  });

  it('saves terms, and keeps a refusal for the form', async () => {
    const saved = { ...DEFAULT_LEND_TERMS, pricePerGpuHour: '500000' };
    const c = client().answer('lend:set-terms', ({ terms }) => terms);
    const store = createLendStore(c, () => 42);
    expect(await store.getState().saveTerms(saved)).toBe(true);
    expect(store.getState().terms).toEqual(saved);
    expect(store.getState().termsSavedAtMs).toBe(42);

    c.answer('lend:set-terms', () => {
      throw new ApiError('invalid_params', 'the maximum lease must not be shorter than the minimum');
    });
    expect(await store.getState().saveTerms(saved)).toBe(false);
    expect(store.getState().termsError).toMatch(/maximum lease/);
  });

  it('keeps medians by model and ignores a failed lookup', async () => {
    const c = client().answer('lend:market-median', ({ gpuModel }) => ({ gpuModel, medianPricePerGpuHour: '400000', offers: 3 }));
    const store = createLendStore(c);
    await store.getState().loadMedian('RTX 4090');
    expect(store.getState().medians['RTX 4090']?.medianPricePerGpuHour).toBe('400000');
    c.answer('lend:market-median', () => {
      throw new ApiError('unavailable', 'no hub');
    });
    await store.getState().loadMedian('V100');
    expect(store.getState().medians.V100).toBeUndefined();
    expect(store.getState().error).toBeNull();
  });

  it('makes the GPU release text to hand over, and keeps a pasted one (one release per GPU, the newest)', async () => {
    const sig = (c: string) => c.repeat(88);
    const bundle = { kind: 'idlegrid-gpu-release' as const, from: 'S'.repeat(44), to: 'B'.repeat(44), releases: [{ uuid: 'GPU-1', signature: sig('a') }] };
    let saved: unknown = null;
    const c = client()
      .answer('lend:release-gpus', () => bundle)
      .answer('settings:get', () => ({ ...DEFAULT_SETTINGS, gpuReleases: [{ uuid: 'GPU-1', signature: sig('z') }, { uuid: 'GPU-9', signature: sig('y') }] }))
      .answer('settings:update', (patch) => {
        saved = patch;
        return DEFAULT_SETTINGS;
      });
    const store = createLendStore(c);
    const text = await store.getState().releaseGpus(' ' + 'B'.repeat(44) + ' ');
    expect(c.callsOf('lend:release-gpus')).toEqual([{ newOwner: 'B'.repeat(44) }]);
    expect(JSON.parse(text!)).toEqual(bundle);

    expect(await store.getState().acceptGpuReleases('not a release')).toBe(false);
    expect(store.getState().releaseError).toMatch(/not a GPU release/);
    expect(await store.getState().acceptGpuReleases(text!)).toBe(true);
    expect(saved).toEqual({ gpuReleases: [{ uuid: 'GPU-9', signature: sig('y') }, { uuid: 'GPU-1', signature: sig('a') }] });
    expect(store.getState().releaseError).toBeNull();
  });
});
