import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap, ApiEventName } from '../../common/api/contract';
import { API_CALL_NAMES, isApiEventName } from '../../common/api/contract';
import { IPC_EVENT_CHANNEL, IPC_SUBSCRIBE_CHANNEL } from '../../common/api/wire';
import type { ApiDispatcher, DispatchOutcome } from './api-dispatcher';

export interface IpcTransportDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'on'>;
  dispatcher: ApiDispatcher;
  events: EventBus<ApiEventMap>;
  isTrustedUrl: (url: string | undefined) => boolean;
}

const FORBIDDEN: DispatchOutcome = {
  ok: false,
  error: { code: 'forbidden', message: 'This page is not part of Idlegrid and may not use its API.' },
};

/**
 * The desktop transport: one `ipcMain.handle` per call of the contract. Each handler
 * checks the sender frame's URL, then the dispatcher parses the params with the call's
 * schema. Events go only to the windows that subscribed to them.
 */
export function registerIpcTransport(options: IpcTransportDeps): void {
  const { ipcMain, dispatcher, events, isTrustedUrl } = options;
  for (const name of API_CALL_NAMES) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, params: unknown) => {
      if (!isTrustedUrl(event.senderFrame?.url)) return FORBIDDEN;
      return dispatcher.dispatch(name, params);
    });
  }

  const subscriptions = new Map<WebContents, Map<ApiEventName, () => void>>();
  ipcMain.on(IPC_SUBSCRIBE_CHANNEL, (event: IpcMainEvent, message: unknown) => {
    if (!isTrustedUrl(event.senderFrame?.url)) return;
    const { name, on } = (message ?? {}) as { name?: unknown; on?: unknown };
    if (!isApiEventName(name) || typeof on !== 'boolean') return;
    const contents = event.sender;
    let mine = subscriptions.get(contents);
    if (!mine) {
      mine = new Map();
      subscriptions.set(contents, mine);
      contents.once('destroyed', () => {
        for (const off of subscriptions.get(contents)?.values() ?? []) off();
        subscriptions.delete(contents);
      });
    }
    if (on && !mine.has(name)) {
      mine.set(name, events.on(name, (data) => {
        if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, { name, data });
      }));
    } else if (!on) {
      mine.get(name)?.();
      mine.delete(name);
    }
  });
}
