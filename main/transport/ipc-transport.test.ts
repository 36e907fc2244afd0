import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import { API_CALL_NAMES } from '../../common/api/contract';
import { IPC_EVENT_CHANNEL, IPC_SUBSCRIBE_CHANNEL } from '../../common/api/wire';
import { DEFAULT_SETTINGS } from '../../common/settings';
import { ApiError } from '../../common/api/errors';
import type { ApiErrorShape } from '../../common/api/errors';
import { ApiDispatcher } from './api-dispatcher';
import type { ApiHandlers } from './api-handlers';
import { registerIpcTransport } from './ipc-transport';
import { createTrustedSenderCheck } from './trusted-sender';
import { silentLogger } from '../../common/logger';

// Electron's binary cannot run on CI machines, so this drives the transport through a
// recorder with ipcMain's two methods; the real-Electron path is the e2e smoke test.
type Handler = (event: unknown, arg: unknown) => unknown;

function setUp() {
  const invokeHandlers = new Map<string, Handler>();
  const onHandlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, h: Handler) => void invokeHandlers.set(channel, h),
    on: (channel: string, h: Handler) => void onHandlers.set(channel, h),
  };
  const events = new EventBus<ApiEventMap>(() => {});
  const handlers = {
    'settings:get': () => DEFAULT_SETTINGS,
    'settings:update': (patch: object) => ({ ...DEFAULT_SETTINGS, ...patch }),
    'hardware:detect': () => Promise.reject(new ApiError('unavailable', 'nvidia-smi is busy; try again.', 'gpu_busy')),
  } as unknown as ApiHandlers;
  const rendererFile = '/app/out/renderer/index.html';
  registerIpcTransport({
    ipcMain: ipcMain as never,
    dispatcher: new ApiDispatcher(handlers, silentLogger),
    events,
    isTrustedUrl: createTrustedSenderCheck({ rendererFile }),
  });
  const appUrl = pathToFileURL(rendererFile).href;
  const sent: unknown[] = [];
  const destroyListeners: Array<() => void> = [];
  const contents = {
    send: (channel: string, message: unknown) => sent.push([channel, message]),
    isDestroyed: () => false,
    once: (_e: string, l: () => void) => destroyListeners.push(l),
  };
  const from = (url: string) => ({ senderFrame: { url }, sender: contents });
  return { invokeHandlers, onHandlers, events, appUrl, sent, from, destroy: () => destroyListeners.forEach((l) => l()) };
}

describe('IPC transport', () => {
  it('registers one handler per call of the contract', () => {
    const { invokeHandlers } = setUp();
    expect([...invokeHandlers.keys()].sort()).toEqual([...API_CALL_NAMES].sort());
  });

  it('answers the app renderer, and refuses any other frame with forbidden', async () => {
    const { invokeHandlers, appUrl, from } = setUp();
    const update = invokeHandlers.get('settings:update')!;
    expect(await update(from(`${appUrl}#/settings`), { theme: 'light' })).toMatchObject({ ok: true, result: { theme: 'light' } });
    expect(await update(from('https://evil.example/'), { theme: 'light' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('validates the argument with the call schema', async () => {
    const { invokeHandlers, appUrl, from } = setUp();
    const out = await invokeHandlers.get('settings:update')!(from(appUrl), { theme: 42 });
    expect(out).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it("carries a refusal's stable reason next to its code and words", async () => {
    const { invokeHandlers, appUrl, from } = setUp();
    // Electron copies the answer with the structured clone algorithm; the renderer rebuilds an ApiError from it.
    const out = structuredClone(await invokeHandlers.get('hardware:detect')!(from(appUrl), {})) as { ok: false; error: ApiErrorShape };
    expect(out).toEqual({ ok: false, error: { code: 'unavailable', message: 'nvidia-smi is busy; try again.', reason: 'gpu_busy' } });
    const rebuilt = ApiError.fromShape(out.error);
    expect([rebuilt.code, rebuilt.reason, rebuilt.message]).toEqual(['unavailable', 'gpu_busy', 'nvidia-smi is busy; try again.']);
  });

  it('sends events only after a trusted subscribe, and stops after unsubscribe or destroy', () => {
    const { onHandlers, events, appUrl, sent, from, destroy } = setUp();
    const subscribe = onHandlers.get(IPC_SUBSCRIBE_CHANNEL)!;
    events.emit('settings:changed', DEFAULT_SETTINGS);
    subscribe(from('https://evil.example/'), { name: 'settings:changed', on: true });
    subscribe(from(appUrl), { name: 'no:such-event', on: true });
    events.emit('settings:changed', DEFAULT_SETTINGS);
    expect(sent).toEqual([]);

    subscribe(from(appUrl), { name: 'settings:changed', on: true });
    events.emit('settings:changed', DEFAULT_SETTINGS);
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, { name: 'settings:changed', data: DEFAULT_SETTINGS }]]);

    subscribe(from(appUrl), { name: 'settings:changed', on: false });
    events.emit('settings:changed', DEFAULT_SETTINGS);
    expect(sent).toHaveLength(1);

    subscribe(from(appUrl), { name: 'settings:changed', on: true });
    destroy();
    events.emit('settings:changed', DEFAULT_SETTINGS);
    expect(sent).toHaveLength(1);
    expect(events.listenerCount('settings:changed')).toBe(0);
  });
});
