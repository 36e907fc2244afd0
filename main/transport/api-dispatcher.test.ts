import { describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { DEFAULT_SETTINGS } from '../../common/settings';
import { ApiDispatcher } from './api-dispatcher';
import type { ApiHandlers } from './api-handlers';
import { silentLogger } from '../../common/logger';
import { memoryLogger } from '../../common/testing/memory-logger';

function handlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers {
  const unused = () => {
    throw new Error('not used in this test');
  };
  return {
    'app:info': () => ({ version: '1.2.3', shell: 'headless', dataDir: '/tmp/x', platform: 'linux' }),
    'settings:get': () => DEFAULT_SETTINGS,
    'settings:update': (patch) => ({ ...DEFAULT_SETTINGS, ...patch }),
    'hardware:snapshot': unused,
    'hardware:detect': unused,
    'telemetry:status': unused,
    'telemetry:recent': ({ seconds }) => Array.from({ length: seconds }, () => ({}) as never),
    'telemetry:history': unused,
    ...overrides,
  } as ApiHandlers;
}

describe('ApiDispatcher', () => {
  const silent = silentLogger;

  it('runs a known call with parsed params', async () => {
    const d = new ApiDispatcher(handlers(), silent);
    expect(await d.dispatch('settings:update', { theme: 'light' })).toEqual({
      ok: true,
      result: { ...DEFAULT_SETTINGS, theme: 'light' },
    });
  });

  it('passes a patch through without filling in defaults', async () => {
    let received: unknown;
    const d = new ApiDispatcher(handlers({ 'settings:update': (patch) => ((received = patch), DEFAULT_SETTINGS) }), silent);
    await d.dispatch('settings:update', { temperatureUnit: 'F' });
    expect(received).toEqual({ temperatureUnit: 'F' });
  });

  it('rejects an unknown call with unknown_call', async () => {
    const d = new ApiDispatcher(handlers(), silent);
    const out = await d.dispatch('wallet:drain', {});
    expect(out).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(!out.ok && out.error.message).toContain('"wallet:drain"');
  });

  it.each([
    ['a wrong type', 'telemetry:recent', { seconds: 'ten' }, 'seconds'],
    ['an out-of-range value', 'telemetry:recent', { seconds: 1_000_000 }, 'seconds'],
    ['an unknown key', 'settings:update', { theme: 'dark', isAdmin: true }, 'isAdmin'],
    ['a bad enum value', 'settings:update', { theme: 'purple' }, 'theme'],
    ['params that are not an object', 'app:info', 'hello', 'object'],
  ])('rejects %s with invalid_params naming the field', async (_label, method, params, field) => {
    const d = new ApiDispatcher(handlers(), silent);
    const out = await d.dispatch(method, params);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('invalid_params');
    expect(out.error.message).toContain(method);
    expect(out.error.message.toLowerCase()).toContain(field.toLowerCase());
  });

  it('keeps an ApiError code and message from a handler', async () => {
    const d = new ApiDispatcher(
      handlers({ 'hardware:detect': () => Promise.reject(new ApiError('unavailable', 'nvidia-smi is busy; try again')) }),
      silent,
    );
    expect(await d.dispatch('hardware:detect', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'nvidia-smi is busy; try again' },
    });
  });

  it('turns an unexpected throw into internal, and logs it', async () => {
    const logger = memoryLogger();
    const d = new ApiDispatcher(
      handlers({ 'hardware:detect': () => { throw new TypeError('boom'); } }),
      logger,
    );
    const out = await d.dispatch('hardware:detect', {});
    expect(out).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(!out.ok && out.error.message).toContain('boom');
    expect(logger.lines).toMatchObject([{ level: 'error', message: 'an API call failed', fields: { method: 'hardware:detect' } }]);
  });

  it('does not treat inherited object keys as calls', async () => {
    const d = new ApiDispatcher(handlers(), silent);
    expect(await d.dispatch('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await d.dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });
});
