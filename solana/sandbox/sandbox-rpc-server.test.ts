import { afterEach, describe, expect, it } from 'vitest';
import { RPC_ERROR, RpcError, stringifyRpcJson } from './json-rpc';
import { SandboxRpcServer } from './sandbox-rpc-server';
import { silentLogger } from '../../common/logger';

// The HTTP side of the sandbox chain, against a real server on loopback.

describe('SandboxRpcServer', () => {
  let server: SandboxRpcServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  async function start() {
    server = new SandboxRpcServer({
      logger: silentLogger,
      methods: {
        echo: (params) => params,
        big: () => ({ lamports: 2n ** 64n - 1n, nested: [1n, 'x'] }),
        refuse: () => {
          throw new RpcError(RPC_ERROR.invalidParams, 'Invalid param: nope');
        },
        crash: () => {
          throw new Error('boom');
        },
      },
    });
    await server.start();
    return server.url;
  }

  const post = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

  it('writes u64 values as bare JSON numbers, exactly', async () => {
    const url = await start();
    const { text } = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'big', params: [] }));
    expect(text).toBe('{"jsonrpc":"2.0","result":{"lamports":18446744073709551615,"nested":[1,"x"]},"id":7}');
    // A string that imitates the internal bigint mark stays a string.
    expect(stringifyRpcJson({ log: '\u0000bigint:5', n: 5n })).toBe('{"log":"\\u0000bigint:5","n":5}');
  });

  it('answers JSON-RPC errors with the codes Solana clients expect', async () => {
    const url = await start();
    expect(JSON.parse((await post(url, '{not json')).text).error.code).toBe(RPC_ERROR.parseError);
    expect(JSON.parse((await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'nope' }))).text).error.code).toBe(RPC_ERROR.methodNotFound);
    expect(JSON.parse((await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'refuse', params: [] }))).text).error).toEqual({
      code: RPC_ERROR.invalidParams,
      message: 'Invalid param: nope',
    });
    expect(JSON.parse((await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: { a: 1 } }))).text).error.code).toBe(RPC_ERROR.invalidParams);
    const crash = JSON.parse((await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'crash', params: [] }))).text);
    expect(crash.error.code).toBe(RPC_ERROR.internal);
    // Inherited names are not methods.
    expect(JSON.parse((await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'constructor' }))).text).error.code).toBe(RPC_ERROR.methodNotFound);
  });

  it('answers batches in order, health checks, and refuses other verbs and huge bodies', async () => {
    const url = await start();
    const batch = JSON.parse((await post(url, JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'echo', params: ['a'] },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
    ]))).text);
    expect(batch[0]).toEqual({ jsonrpc: '2.0', result: ['a'], id: 1 });
    expect(batch[1].error.code).toBe(RPC_ERROR.methodNotFound);
    expect(await fetch(`${url}/health`).then((r) => r.text())).toBe('ok');
    expect((await fetch(url, { method: 'PUT', body: '{}' })).status).toBe(405);
    const huge = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: ['x'.repeat(300 * 1024)] })).catch(() => ({ status: 413, text: '' }));
    expect(huge.status).toBe(413);
  });
});
