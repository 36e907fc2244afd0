import type { ApiClient } from '../../../common/api/client';
import { BRIDGE_GLOBAL } from '../../../common/api/bridge';
import type { IdlegridBridge } from '../../../common/api/bridge';
import { createIpcClient } from './ipc-client';
import { createWsClient } from './ws-client';

/**
 * Picks the transport once, at start: the desktop preload's bridge when present,
 * otherwise the headless WebSocket. Nothing else in the renderer knows which.
 */
export function createApiClient(): ApiClient {
  const bridge = (globalThis as unknown as Record<string, IdlegridBridge | undefined>)[BRIDGE_GLOBAL];
  return bridge ? createIpcClient(bridge) : createWsClient();
}
