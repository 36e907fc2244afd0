import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { API_CALL_NAMES } from '../common/api/contract';
import type { ApiEventName } from '../common/api/contract';
import { BRIDGE_GLOBAL } from '../common/api/bridge';
import type { BridgeCalls, IdlegridBridge } from '../common/api/bridge';
import { IPC_EVENT_CHANNEL, IPC_SUBSCRIBE_CHANNEL } from '../common/api/wire';

/**
 * Exposes the API as one named function per call and a `subscribe` for events —
 * never ipcRenderer itself (Electron security checklist: "Do not expose Electron APIs
 * to untrusted web content"). The renderer wraps this in an ApiClient.
 */
const calls = Object.fromEntries(
  API_CALL_NAMES.map((name) => [name, (params: unknown) => ipcRenderer.invoke(name, params)]),
) as unknown as BridgeCalls;

const listeners = new Map<ApiEventName, Set<(data: unknown) => void>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, message: { name: ApiEventName; data: unknown }) => {
  for (const listener of listeners.get(message.name) ?? []) listener(message.data);
});

const bridge: IdlegridBridge = {
  calls,
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      ipcRenderer.send(IPC_SUBSCRIBE_CHANNEL, { name: event, on: true });
    }
    const l = listener as (data: unknown) => void;
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0) {
        listeners.delete(event);
        ipcRenderer.send(IPC_SUBSCRIBE_CHANNEL, { name: event, on: false });
      }
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
