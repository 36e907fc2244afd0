import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RPC_ERROR, RawJson, RpcError, rpcError, rpcResult, stringifyRpcJson } from './json-rpc';
import type { JsonRpcId } from './json-rpc';
import type { RpcMethod } from './sandbox-rpc-methods';
import type { Logger } from '../../common/logger';
import { errorText } from '../../common/errors';

const MAX_BODY_BYTES = 256 * 1024;
const MAX_BATCH = 100;

export interface SandboxRpcServerDeps {
  methods: Record<string, RpcMethod>;
  host?: string;
  port?: number;
  logger: Logger;
}

/**
 * Serves JSON-RPC over HTTP POST like a Solana node (single requests and batches), plus
 * `GET /health`. It listens on loopback by default: the sandbox is this machine's.
 */
export class SandboxRpcServer {
  private server: Server | null = null;
  private readonly host: string;
  private boundPort = 0;

  constructor(private readonly options: SandboxRpcServerDeps) {
    this.host = options.host ?? '127.0.0.1';
  }

  get url(): string {
    if (!this.server) throw new Error('The sandbox RPC server is not listening.');
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    // Keep-alive connections from RPC clients are reused for thousands of calls.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/health/')) {
      return send(res, 200, 'ok', 'text/plain');
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(res, 405, 'Send JSON-RPC requests with POST.', 'text/plain');
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch (error) {
      return send(res, 413, rpcError(null, new RpcError(RPC_ERROR.invalidRequest, errorText(error))));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 200, rpcError(null, new RpcError(RPC_ERROR.parseError, 'Parse error')));
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0 || parsed.length > MAX_BATCH) {
        return send(res, 200, rpcError(null, new RpcError(RPC_ERROR.invalidRequest, `A batch must hold 1 to ${MAX_BATCH} requests.`)));
      }
      const parts: string[] = [];
      for (const request of parsed) parts.push(await this.answer(request));
      return send(res, 200, `[${parts.join(',')}]`);
    }
    return send(res, 200, await this.answer(parsed));
  }

  private async answer(request: unknown): Promise<string> {
    if (typeof request !== 'object' || request === null) {
      return rpcError(null, new RpcError(RPC_ERROR.invalidRequest, 'Invalid request'));
    }
    const { id, method, params } = request as { id?: JsonRpcId; method?: unknown; params?: unknown };
    const replyId: JsonRpcId = typeof id === 'string' || typeof id === 'number' ? id : null;
    if (typeof method !== 'string') return rpcError(replyId, new RpcError(RPC_ERROR.invalidRequest, 'Invalid request'));
    const handler = Object.prototype.hasOwnProperty.call(this.options.methods, method) ? this.options.methods[method] : undefined;
    if (!handler) return rpcError(replyId, new RpcError(RPC_ERROR.methodNotFound, 'Method not found'));
    if (params !== undefined && !Array.isArray(params)) {
      return rpcError(replyId, new RpcError(RPC_ERROR.invalidParams, 'Invalid params: expected an array.'));
    }
    try {
      const result = await handler(params ?? []);
      return rpcResult(replyId, result instanceof RawJson ? result.text : stringifyRpcJson(result ?? null));
    } catch (error) {
      if (error instanceof RpcError) return rpcError(replyId, error);
      this.options.logger.error({ err: error, method }, 'an RPC method failed');
      return rpcError(replyId, new RpcError(RPC_ERROR.internal, `Internal error: ${errorText(error)}`));
    }
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`Request body over ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
