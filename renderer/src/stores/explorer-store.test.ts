import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { createExplorerStore } from './explorer-store';
import { explorerOverview } from './market-fixtures';
import { ScriptedApiClient, settle } from './scripted-api-client';

describe('explorer store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls only while watched, once however many watch', async () => {
    const c = new ScriptedApiClient().answer('explorer:overview', () => explorerOverview());
    const store = createExplorerStore(c);
    const stopA = store.getState().watch(1000);
    const stopB = store.getState().watch(1000);
    await settle();
    expect(store.getState().overview?.stats.gpusOnline).toBe(9);
    expect(c.callsOf('explorer:overview')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(c.callsOf('explorer:overview')).toHaveLength(4);
    stopA();
    stopA();
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.callsOf('explorer:overview')).toHaveLength(5);
    stopB();
    await vi.advanceTimersByTimeAsync(5000);
    expect(c.callsOf('explorer:overview')).toHaveLength(5);
  });

  it('keeps the last overview under an error', async () => {
    const c = new ScriptedApiClient().answer('explorer:overview', () => explorerOverview(9));
    const store = createExplorerStore(c);
    await store.getState().load();
    c.answer('explorer:overview', () => {
      throw new ApiError('unavailable', 'The hub does not answer: check Settings → Market hub.');
    });
    await store.getState().load();
    expect(store.getState().overview?.stats.gpusOnline).toBe(9);
    expect(store.getState().error).toMatch(/hub does not answer/);
  });
});
