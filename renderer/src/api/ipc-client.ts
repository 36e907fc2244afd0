import type { ApiClient } from '../../../common/api/client';
import type { IdlegridBridge } from '../../../common/api/bridge';
import { ApiError } from '../../../common/api/errors';

/** The desktop transport: the preload's bridge, rebuilt into an ApiClient. */
export function createIpcClient(bridge: IdlegridBridge): ApiClient {
  return {
    async call(name, params) {
      const fn = bridge.calls[name] as (p: unknown) => Promise<
        { ok: true; result: unknown } | { ok: false; error: { code: never; message: string; reason?: string } }
      >;
      if (typeof fn !== 'function') {
        throw new ApiError('unknown_call', `The desktop app does not offer "${name}". Update the app.`);
      }
      const response = await fn(params);
      if (!response.ok) throw ApiError.fromShape(response.error);
      return response.result as never;
    },
    subscribe(event, listener) {
      return bridge.subscribe(event, listener);
    },
  };
}
