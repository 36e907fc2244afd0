import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import type { AppInfo } from '../../../common/api/app';
import { ApiError } from '../../../common/api/errors';
import { createAppStore } from './app-store';
import { createStores, startStores } from './create-stores';
import { ScriptedApiClient, settle } from './scripted-api-client';

const info: AppInfo = { version: '0.1.0', shell: 'headless', dataDir: '/tmp/x', platform: 'linux' };

function answeringClient(withConnection = true): ScriptedApiClient {
  return new ScriptedApiClient(withConnection)
    .answer('app:info', () => info)
    .answer('settings:get', () => DEFAULT_SETTINGS)
    .answer('hardware:snapshot', () => ({ detectedAtMs: 1, gpus: [], sources: [], host: null }))
    .answer('telemetry:recent', () => [])
    .answer('telemetry:status', () => ({ state: 'running' as const, message: '', spawns: 1, lastSampleAtMs: null }));
}

describe('app store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('exports diagnostics: busy while main builds the file, then the file, or the error in words', async () => {
    let finish: (file: { filename: string; json: string }) => void = () => {};
    const client = answeringClient().answer('app:export-diagnostics', () => new Promise((resolve) => (finish = resolve)));
    const store = createAppStore(client);
    const pending = store.getState().exportDiagnostics();
    expect(store.getState().diagnostics).toEqual({ busy: true, error: null });
    expect(await store.getState().exportDiagnostics()).toBeNull(); // one at a time
    finish({ filename: 'idlegrid-diagnostics-x.json', json: '{}' });
    expect(await pending).toEqual({ filename: 'idlegrid-diagnostics-x.json', json: '{}' });
    expect(store.getState().diagnostics).toEqual({ busy: false, error: null });

    client.answer('app:export-diagnostics', () => Promise.reject(new ApiError('internal', 'The log folder could not be read.')));
    expect(await store.getState().exportDiagnostics()).toBeNull();
    expect(store.getState().diagnostics).toEqual({ busy: false, error: 'The log folder could not be read.' });
  });

  it('counts a transport without connection events (desktop IPC) as connected', () => {
    const store = createAppStore(answeringClient(false));
    expect(store.getState().connection).toBe('connected');
  });

  it('follows connection changes', () => {
    const client = answeringClient();
    const store = createAppStore(client);
    store.getState().start();
    client.setConnected(true);
    expect(store.getState().connection).toBe('connected');
    client.setConnected(false);
    expect(store.getState().connection).toBe('disconnected');
  });

  it('reports a link that never came up as disconnected after the grace period', () => {
    const client = new ScriptedApiClient().answer('app:info', () => new Promise(() => {}));
    const store = createAppStore(client, { connectingGraceMs: 1000 });
    store.getState().start();
    expect(store.getState().connection).toBe('connecting');
    vi.advanceTimersByTime(1001);
    expect(store.getState().connection).toBe('disconnected');
  });
});

describe('startStores', () => {
  it('loads every store and reloads them when the connection comes back', async () => {
    const client = answeringClient();
    const stores = createStores(client);
    const stop = startStores(stores);
    await settle();
    expect(stores.app.getState().info).toEqual(info);
    expect(stores.settings.getState().settings).toEqual(DEFAULT_SETTINGS);
    expect(stores.hardware.getState().snapshot?.detectedAtMs).toBe(1);
    expect(client.callsOf('hardware:snapshot')).toHaveLength(1);

    client.setConnected(false);
    client.setConnected(true);
    await settle();
    expect(client.callsOf('hardware:snapshot')).toHaveLength(2);
    expect(client.callsOf('telemetry:recent')).toHaveLength(2);
    expect(client.callsOf('settings:get')).toHaveLength(2);

    stop();
    expect(client.listenerCount('telemetry:samples')).toBe(0);
  });
});
