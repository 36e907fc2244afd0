import type { z } from 'zod';

/**
 * One call of the API contract: a zod schema for its params and, as a phantom type,
 * the shape of its result. Results must be JSON-safe (no bigint, no Date): the same
 * value crosses Electron IPC and the headless WebSocket.
 */
export interface CallSpec<P extends z.ZodType, R> {
  readonly params: P;
  /** Phantom: never set at run time, only carries the result type. */
  readonly result?: R;
}

/** One event the UI can receive; the data type is phantom like a call's result. */
export interface EventSpec<D> {
  readonly data?: D;
}

/** `call<Result>()(paramsSchema)`: the result type is given, the params type is inferred. */
export function call<R>() {
  return <P extends z.ZodType>(params: P): CallSpec<P, R> => ({ params });
}

export function event<D>(): EventSpec<D> {
  return {};
}
