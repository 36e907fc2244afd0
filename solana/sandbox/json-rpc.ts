import { randomBytes } from 'node:crypto';

/**
 * JSON-RPC 2.0 as Solana nodes speak it. Integers that may exceed 2^53 (lamports, token
 * amounts, slots) go out as bare JSON numbers, exactly like a real node, because
 * @solana/kit parses them back as bigint; JSON.stringify cannot write a bigint, so
 * `stringifyRpcJson` does.
 */
export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: unknown;
}

/** Error codes used by Solana's RPC (agave rpc_custom_error.rs) and JSON-RPC itself. */
export const RPC_ERROR = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** sendTransaction: preflight simulation failed (data carries err and logs). */
  sendTransactionPreflightFailure: -32002,
  /** sendTransaction: a signature does not verify. */
  transactionSignatureVerificationFailure: -32003,
  /** getTransaction and friends: a v0 transaction without maxSupportedTransactionVersion. */
  unsupportedTransactionVersion: -32015,
} as const;

/** A JSON-RPC error the sandbox answers with: a Solana node's code, its message, and optional data. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

// A per-process random tag: no string a client controls (a memo echoed in logs) can forge it.
const BIGINT_TAG = randomBytes(8).toString('hex');
const BIGINT_MARK = `\u0000bigint-${BIGINT_TAG}:`;
const BIGINT_PATTERN = new RegExp(`"\\\\u0000bigint-${BIGINT_TAG}:(-?\\d+)"`, 'g');

/** JSON text in which every bigint is a bare number (JSON.stringify would throw on it). */
export function stringifyRpcJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v));
  return text.replace(BIGINT_PATTERN, '$1');
}

export function rpcResult(id: JsonRpcId, resultJson: string): string {
  return `{"jsonrpc":"2.0","result":${resultJson},"id":${JSON.stringify(id)}}`;
}

export function rpcError(id: JsonRpcId, error: RpcError): string {
  const body: { code: number; message: string; data?: unknown } = { code: error.code, message: error.message };
  if (error.data !== undefined) body.data = error.data;
  return `{"jsonrpc":"2.0","error":${stringifyRpcJson(body)},"id":${JSON.stringify(id)}}`;
}

/** Marks a result that is already JSON text (a stored transaction), so it is not encoded twice. */
export class RawJson {
  constructor(readonly text: string) {}
}
