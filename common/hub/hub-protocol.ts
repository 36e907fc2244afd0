/**
 * The hub's wire protocol: its version, where its sockets live and how large a message
 * may be. Workers and renters send the version in their hello; a hub answers a version it
 * does not speak with `version_mismatch` instead of guessing at the message shapes.
 */
export const HUB_PROTOCOL_VERSION = 1;

/** WebSocket paths on the hub's HTTP server. */
export const HUB_WORKER_WS_PATH = '/v1/worker';
export const HUB_RENTER_WS_PATH = '/v1/renter';

/**
 * Size limits. A message above its limit is refused before it is parsed: a socket frame
 * over the limit closes that socket (code 1009), an HTTP body over the limit gets 413.
 * Log chunks are the largest legitimate worker message, so the worker limit leaves room
 * for one chunk plus its envelope.
 */
export const MAX_WORKER_MESSAGE_BYTES = 64 * 1024;
export const MAX_RENTER_MESSAGE_BYTES = 8 * 1024;
export const MAX_HTTP_BODY_BYTES = 64 * 1024;
export const MAX_LOG_CHUNK_CHARS = 16 * 1024;

/** WebSocket close codes the hub uses besides the standard ones (1008 policy, 1009 too big). */
export const HUB_CLOSE = {
  /** No hello within the hello timeout. */
  helloTimeout: 4000,
  /** The token in the hello is missing, unknown or expired: sign in again. */
  unauthenticated: 4401,
  /** The client speaks another protocol version. */
  versionMismatch: 4426,
  /** The same machine connected again: the older socket is replaced. */
  replaced: 4409,
  /** Too many protocol violations or a rate far above the limit. */
  abusive: 4429,
  /** Heartbeats stopped arriving. */
  heartbeatMissed: 4408,
} as const;
