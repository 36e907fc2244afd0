import type { z } from 'zod';
import type { CallSpec, EventSpec } from './define';
import { appCalls, appEvents } from './app';
import { hardwareCalls, hardwareEvents } from './hardware';
import { walletCalls, walletEvents } from './wallet';
import { workerCalls, workerEvents } from './worker';
import { lendCalls, lendEvents } from './lend';
import { rentCalls, rentEvents } from './rent';
import { marketCalls, marketEvents } from './market';
import { accessCalls, accessEvents } from './access';

/**
 * The one API contract. Every call the UI can make and every event it can receive,
 * grouped by domain in the files beside this one. Both transports (Electron IPC,
 * headless WebSocket) and the preload are built from these two maps: no channel
 * name is written anywhere else.
 */
export const apiCalls = {
  ...appCalls,
  ...hardwareCalls,
  ...walletCalls,
  ...workerCalls,
  ...marketCalls,
  ...lendCalls,
  ...rentCalls,
  ...accessCalls,
};

export const apiEvents = {
  ...appEvents,
  ...hardwareEvents,
  ...walletEvents,
  ...workerEvents,
  ...marketEvents,
  ...lendEvents,
  ...rentEvents,
  ...accessEvents,
};

export type ApiCalls = typeof apiCalls;
export type ApiCallName = keyof ApiCalls;
export type ApiEvents = typeof apiEvents;
export type ApiEventName = keyof ApiEvents;

/** What a caller passes (defaults may be omitted). */
export type ApiParams<N extends ApiCallName> = z.input<ApiCalls[N]['params']>;
/** What a handler receives after parsing (defaults filled in). */
export type ApiParsedParams<N extends ApiCallName> = z.output<ApiCalls[N]['params']>;
export type ApiResult<N extends ApiCallName> = ApiCalls[N] extends CallSpec<z.ZodType, infer R> ? R : never;
export type ApiEventData<E extends ApiEventName> = ApiEvents[E] extends EventSpec<infer D> ? D : never;
export type ApiEventMap = { [E in ApiEventName]: ApiEventData<E> };

export const API_CALL_NAMES = Object.keys(apiCalls) as ApiCallName[];
export const API_EVENT_NAMES = Object.keys(apiEvents) as ApiEventName[];

export function isApiCallName(name: unknown): name is ApiCallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiCalls, name);
}

export function isApiEventName(name: unknown): name is ApiEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiEvents, name);
}
