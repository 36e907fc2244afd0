import { z } from 'zod';
import type { ApiErrorShape } from './errors';

/**
 * The headless WebSocket's frames. Requests are validated here (shape) and then by the
 * call's own schema (params). Frames larger than MAX_FRAME_BYTES are refused.
 */
export const MAX_FRAME_BYTES = 256 * 1024;

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().max(100),
    params: z.unknown(),
  }),
  z.object({ type: z.literal('subscribe'), event: z.string().max(100) }),
  z.object({ type: z.literal('unsubscribe'), event: z.string().max(100) }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type ServerFrame =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number | null; error: ApiErrorShape }
  | { type: 'event'; event: string; data: unknown };

/** The path of the WebSocket, and of the Electron IPC channel prefix for events. */
export const API_WS_PATH = '/api';
export const IPC_EVENT_CHANNEL = 'idlegrid:event';
export const IPC_SUBSCRIBE_CHANNEL = 'idlegrid:subscribe';

/** WebSocket close code: the session cookie is missing or stale; the UI asks to open the access link. */
export const WS_CLOSE_UNAUTHORIZED = 4401;
