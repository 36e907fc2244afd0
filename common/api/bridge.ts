import type { ApiErrorShape } from './errors';
import type { ApiCallName, ApiEventData, ApiEventName, ApiParams, ApiResult } from './contract';

/**
 * What the preload puts on `window.idlegrid`: one named function per call and a
 * `subscribe` for events; never raw ipcRenderer. Calls resolve to an envelope because
 * an Error thrown across contextBridge loses its code.
 */
export type BridgeResponse<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

export type BridgeCalls = {
  [N in ApiCallName]: (params: ApiParams<N>) => Promise<BridgeResponse<ApiResult<N>>>;
};

export interface IdlegridBridge {
  calls: BridgeCalls;
  subscribe<E extends ApiEventName>(event: E, listener: (data: ApiEventData<E>) => void): () => void;
}

export const BRIDGE_GLOBAL = 'idlegrid';
