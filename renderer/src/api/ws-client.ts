import type { ApiClient } from '../../../common/api/client';
import type { ApiEventName } from '../../../common/api/contract';
import { ApiError, isApiErrorShape } from '../../../common/api/errors';
import { API_WS_PATH, WS_CLOSE_UNAUTHORIZED } from '../../../common/api/wire';
import type { ClientFrame, ServerFrame } from '../../../common/api/wire';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The headless transport: one WebSocket at /api on the page's own origin. The browser
 * sends the HttpOnly session cookie itself; this code never sees the token. Reconnects
 * with backoff and re-subscribes, so a restarted `npm run serve` picks up where it was.
 */
export function createWsClient(url = defaultUrl()): ApiClient {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let connected = false;
  let retryMs = 500;
  let unauthorized = false;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    for (const l of connectionListeners) l(value);
  }

  function send(frame: ClientFrame): void {
    const text = JSON.stringify(frame);
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
    else queue.push(text);
  }

  function connect(): void {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
      setConnected(true);
      for (const event of listeners.keys()) ws.send(JSON.stringify({ type: 'subscribe', event }));
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (message) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(message.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'event') {
        for (const l of listeners.get(frame.event) ?? []) l(frame.data);
        return;
      }
      const id = frame.id;
      if (id === null) {
        // A frame the server could not tie to a call (it could not read ours): no caller to
        // reject, so the browser's console, this transport's own log, is where it goes.
        // eslint-disable-next-line no-console
        console.warn('[api] server error', frame.type === 'error' ? frame.error : frame);
        return;
      }
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if (frame.type === 'result') p.resolve(frame.result);
      else p.reject(isApiErrorShape(frame.error) ? ApiError.fromShape(frame.error) : new ApiError('internal', 'Malformed error from the server'));
    };
    ws.onclose = (close) => {
      setConnected(false);
      const lost = close.code === WS_CLOSE_UNAUTHORIZED
        ? new ApiError('unauthorized', 'This browser session is not signed in: open the URL with ?token=… that `npm run serve` printed.')
        : new ApiError('unavailable', 'Lost the connection to Idlegrid; reconnecting…');
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(lost);
      }
      if (close.code === WS_CLOSE_UNAUTHORIZED) {
        unauthorized = true;
        return;
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }

  connect();

  return {
    call(name, params) {
      if (unauthorized) {
        return Promise.reject(new ApiError('unauthorized', 'This browser session is not signed in: open the URL with ?token=… that `npm run serve` printed.'));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        send({ type: 'call', id, method: name, params });
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        send({ type: 'subscribe', event });
      }
      const l = listener as (data: unknown) => void;
      set.add(l);
      return () => {
        const s = listeners.get(event as ApiEventName);
        if (!s) return;
        s.delete(l);
        if (s.size === 0) {
          listeners.delete(event);
          send({ type: 'unsubscribe', event });
        }
      };
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${API_WS_PATH}`;
}
