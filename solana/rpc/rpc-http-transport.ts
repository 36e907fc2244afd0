import http from 'node:http';
import https from 'node:https';
import { SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR, SolanaError } from '@solana/kit';
import type { RpcTransport } from '@solana/kit';
import { parseJsonWithBigInts, stringifyJsonWithBigInts } from '@solana/rpc-spec-types';

/**
 * A JSON-RPC transport for @solana/kit over Node's own http/https with keep-alive
 * connections. Kit's default transport uses fetch, whose per-request overhead caps a
 * worker at about a thousand calls a second on loopback; this one does several times
 * that (see `npm run bench -- verify`). Requests and responses are encoded exactly as
 * kit's default transport does (integers as bigint), so the typed RPC on top is the same.
 */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;

export interface NodeHttpTransport {
  transport: RpcTransport;
  /** The same connection pool, for methods kit does not know (the sandbox's own). */
  postJson(payload: unknown): Promise<unknown>;
  close(): void;
}

export function createNodeHttpTransport(rpcUrl: string): NodeHttpTransport {
  const url = new URL(rpcUrl);
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new Error(`RPC URL must be http(s): ${rpcUrl}`);
  const agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 64 }) : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const request = secure ? https.request : http.request;

  const post = (body: string, signal?: AbortSignal): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent,
          signal,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            'solana-client': 'idlegrid',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`The RPC answered with more than ${MAX_RESPONSE_BYTES} bytes.`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(
                new SolanaError(SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR, {
                  headers: new Headers(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))),
                  message: res.statusMessage ?? text.slice(0, 200),
                  statusCode: status,
                }),
              );
              return;
            }
            resolve(text);
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`No answer from ${url.host} within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      // Connection failures keep their code (ECONNREFUSED, ENOTFOUND…) as the cause, for the message the user sees.
      req.on('error', (error) => reject(Object.assign(new Error(`RPC request to ${url.host} failed: ${error.message}`), { cause: error })));
      req.end(body);
    });

  const postJson = async (payload: unknown, signal?: AbortSignal) => parseJsonWithBigInts(await post(stringifyJsonWithBigInts(payload), signal));
  const transport = (async ({ payload, signal }: { payload: unknown; signal?: AbortSignal }) => postJson(payload, signal)) as RpcTransport;
  return { transport, postJson: (payload) => postJson(payload), close: () => agent.destroy() };
}
