import { z } from 'zod';
import type { HubErrorCode } from '../hub/hub-errors';
import { signedAccessRequestSchema } from './access-request';

/**
 * The access sockets: a second WebSocket per app to the hub, only for node streams
 * (terminals, port forwards, files). Control frames are JSON text; data frames are binary:
 * a 4-byte big-endian stream id, then the bytes. Flow control is by credit, end to end:
 * each side may have at most `ACCESS_WINDOW_BYTES` unacknowledged bytes in flight per
 * stream and direction, and grants credit back as its reader consumes them. The hub relays
 * credit as it relays data and refuses a sender that exceeds its credit, so what it holds
 * for one stream is bounded by the window whatever either side does.
 */
export const HUB_ACCESS_RENTER_WS_PATH = '/v1/access/renter';
export const HUB_ACCESS_WORKER_WS_PATH = '/v1/access/worker';

export const ACCESS_WINDOW_BYTES = 512 * 1024;
export const ACCESS_MAX_DATA_BYTES = 128 * 1024;
export const ACCESS_MAX_CONTROL_BYTES = 8 * 1024;
/** Stream ids are chosen by whoever opens on that socket (the renter app, or the hub towards a worker). */
export const MAX_STREAM_ID = 0xffff_ffff;

const sid = z.number().int().min(1).max(MAX_STREAM_ID);
const bytes = z.number().int().min(1).max(ACCESS_WINDOW_BYTES);
/** Why a stream closed: `done` for a normal end, otherwise a hub error code (refusals included). */
export type AccessCloseCode = 'done' | HubErrorCode;
const closeCode = z.string().min(1).max(32) as unknown as z.ZodType<AccessCloseCode>;
const reason = z.string().max(512);

const streamFrames = [
  z.object({ type: z.literal('credit'), sid, bytes }).strict(),
  /** The sender will write no more on this stream (half close); the other direction goes on. */
  z.object({ type: z.literal('end'), sid }).strict(),
  z.object({ type: z.literal('close'), sid, code: closeCode, reason, exitCode: z.number().int().optional() }).strict(),
] as const;

export const renterAccessMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocolVersion: z.number().int(), token: z.string().min(1).max(256) }).strict(),
  z.object({ type: z.literal('open'), sid, signed: signedAccessRequestSchema }).strict(),
  z.object({ type: z.literal('resize'), sid, cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict(),
  ...streamFrames,
]);
export type RenterAccessMessage = z.infer<typeof renterAccessMessageSchema>;

export const workerAccessMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocolVersion: z.number().int(), token: z.string().min(1).max(256), workerId: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('opened'), sid }).strict(),
  ...streamFrames,
]);
export type WorkerAccessMessage = z.infer<typeof workerAccessMessageSchema>;

export type StreamFrame = z.infer<(typeof streamFrames)[number]>;

export type HubToRenterAccessMessage =
  | { type: 'welcome'; address: string; windowBytes: number; maxDataBytes: number }
  | { type: 'opened'; sid: number }
  | StreamFrame
  | { type: 'error'; code: HubErrorCode; message: string; reason?: string };

export type HubToWorkerAccessMessage =
  | { type: 'welcome'; workerId: string; windowBytes: number; maxDataBytes: number }
  | { type: 'open'; sid: number; signed: z.infer<typeof signedAccessRequestSchema> }
  | { type: 'resize'; sid: number; cols: number; rows: number }
  | StreamFrame
  | { type: 'error'; code: HubErrorCode; message: string; reason?: string };

/** A binary data frame: stream id then bytes. */
export function encodeDataFrame(streamId: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4 + payload.length);
  new DataView(frame.buffer).setUint32(0, streamId, false);
  frame.set(payload, 4);
  return frame;
}

export function decodeDataFrame(frame: Uint8Array): { sid: number; payload: Uint8Array } | null {
  if (frame.length < 5) return null;
  const sidValue = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, false);
  if (sidValue === 0) return null;
  return { sid: sidValue, payload: frame.subarray(4) };
}
