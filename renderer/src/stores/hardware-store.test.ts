import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import type { HardwareSnapshot } from '../../../common/hardware/detection';
import { createHardwareStore } from './hardware-store';
import { ScriptedApiClient, settle } from './scripted-api-client';

function snapshot(detectedAtMs: number): HardwareSnapshot {
  return { detectedAtMs, gpus: [], sources: [], host: null };
}

describe('hardware store', () => {
  it('loads the snapshot at start and follows hardware:snapshot events', async () => {
    const client = new ScriptedApiClient().answer('hardware:snapshot', () => snapshot(1));
    const store = createHardwareStore(client);
    store.getState().start();
    expect(store.getState().loading).toBe(true);
    await settle();
    expect(store.getState().snapshot?.detectedAtMs).toBe(1);
    client.emit('hardware:snapshot', snapshot(2));
    expect(store.getState().snapshot?.detectedAtMs).toBe(2);
  });

  it('does not let a late answer replace a newer snapshot', async () => {
    let resolve: (s: HardwareSnapshot) => void = () => {};
    const client = new ScriptedApiClient().answer('hardware:snapshot', () => new Promise((r) => (resolve = r)));
    const store = createHardwareStore(client);
    store.getState().start();
    client.emit('hardware:snapshot', snapshot(5));
    resolve(snapshot(3));
    await settle();
    expect(store.getState().snapshot?.detectedAtMs).toBe(5);
  });

  it('detects again, flags progress, and refuses a second detect while one runs', async () => {
    let resolve: (s: HardwareSnapshot) => void = () => {};
    const client = new ScriptedApiClient().answer('hardware:detect', () => new Promise((r) => (resolve = r)));
    const store = createHardwareStore(client);
    const first = store.getState().detect();
    void store.getState().detect();
    expect(store.getState().detecting).toBe(true);
    resolve(snapshot(9));
    await first;
    expect(store.getState().detecting).toBe(false);
    expect(store.getState().snapshot?.detectedAtMs).toBe(9);
    expect(client.callsOf('hardware:detect')).toHaveLength(1);
  });

  it('keeps the old snapshot and shows the message when detection fails', async () => {
    const client = new ScriptedApiClient()
      .answer('hardware:snapshot', () => snapshot(1))
      .answer('hardware:detect', () => {
        throw new ApiError('unavailable', 'Detection is already running; wait for it to finish.');
      });
    const store = createHardwareStore(client);
    await store.getState().load();
    await store.getState().detect();
    expect(store.getState().snapshot?.detectedAtMs).toBe(1);
    expect(store.getState().error).toBe('Detection is already running; wait for it to finish.');
  });
});
