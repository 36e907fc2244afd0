import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import type { Settings } from '../../../common/settings';
import { createSettingsStore } from './settings-store';
import { ScriptedApiClient, settle } from './scripted-api-client';

describe('settings store', () => {
  it('loads settings and follows settings:changed', async () => {
    const client = new ScriptedApiClient().answer('settings:get', () => DEFAULT_SETTINGS);
    const store = createSettingsStore(client);
    store.getState().start();
    await settle();
    expect(store.getState().settings).toEqual(DEFAULT_SETTINGS);
    client.emit('settings:changed', { ...DEFAULT_SETTINGS, temperatureUnit: 'F' });
    expect(store.getState().settings?.temperatureUnit).toBe('F');
  });

  it('applies a change at once and takes what main answers', async () => {
    let resolve: (s: Settings) => void = () => {};
    const client = new ScriptedApiClient()
      .answer('settings:get', () => DEFAULT_SETTINGS)
      .answer('settings:update', () => new Promise((r) => (resolve = r)));
    const store = createSettingsStore(client);
    await store.getState().load();
    const done = store.getState().update({ theme: 'light' });
    expect(store.getState().settings?.theme).toBe('light');
    expect(store.getState().saving).toEqual(['theme']);
    resolve({ ...DEFAULT_SETTINGS, theme: 'light' });
    expect(await done).toBe(true);
    expect(store.getState().saving).toEqual([]);
    expect(client.callsOf('settings:update')).toEqual([{ theme: 'light' }]);
  });

  it('rolls back only the refused field and shows the message', async () => {
    let reject: (e: Error) => void = () => {};
    const client = new ScriptedApiClient()
      .answer('settings:get', () => DEFAULT_SETTINGS)
      .answer('settings:update', () => new Promise((_, r) => (reject = r)));
    const store = createSettingsStore(client);
    store.getState().start();
    await settle();
    const done = store.getState().update({ telemetryEnabled: false });
    // Another change lands while this one is on its way.
    client.emit('settings:changed', { ...DEFAULT_SETTINGS, telemetryEnabled: false, temperatureUnit: 'F' });
    reject(new ApiError('unavailable', 'Could not save settings: the disk is full.'));
    expect(await done).toBe(false);
    const s = store.getState();
    expect(s.settings?.telemetryEnabled).toBe(true);
    expect(s.settings?.temperatureUnit).toBe('F');
    expect(s.error).toBe('Could not save settings: the disk is full.');
    expect(s.saving).toEqual([]);
    s.dismissError();
    expect(store.getState().error).toBeNull();
  });

  it('shows a load failure', async () => {
    const client = new ScriptedApiClient().answer('settings:get', () => {
      throw new ApiError('unauthorized', 'Open the URL with ?token=… that `npm run serve` printed.');
    });
    const store = createSettingsStore(client);
    store.getState().start();
    await settle();
    expect(store.getState().loading).toBe(false);
    expect(store.getState().error).toContain('?token=');
  });
});
