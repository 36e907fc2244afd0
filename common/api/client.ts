import type { ApiCallName, ApiEventData, ApiEventName, ApiParams, ApiResult } from './contract';

/**
 * What the renderer holds. It does not know whether IPC or a WebSocket is under it.
 * `call` rejects with an `ApiError` carrying the server's code and message.
 */
export interface ApiClient {
  call<N extends ApiCallName>(name: N, params: ApiParams<N>): Promise<ApiResult<N>>;
  subscribe<E extends ApiEventName>(event: E, listener: (data: ApiEventData<E>) => void): () => void;
  /** Transport health, for a banner when the headless connection drops. */
  onConnectionChange?(listener: (connected: boolean) => void): () => void;
}
