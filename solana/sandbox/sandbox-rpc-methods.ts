import { getBase58Decoder, getBase58Encoder, getBase64Decoder, getBase64Encoder, isAddress, isSignature } from '@solana/kit';
import type { Address } from '@solana/kit';
import { FAUCET_DEFAULT_LAMPORTS, FAUCET_DEFAULT_USDC } from './faucet';
import { RPC_ERROR, RawJson, RpcError } from './json-rpc';
import type { Commitment, SandboxChain } from './sandbox-chain';
import { uiTokenAmount } from './token-accounts';

/**
 * The subset of Solana's JSON-RPC that Idlegrid uses, answered from the sandbox chain in
 * the shapes a real node returns, plus two sandbox-only methods: `idlegridSandbox_getInfo`
 * (the USDC mint, the faucet) and `idlegridSandbox_faucet` (test SOL and USDC).
 */
export type RpcMethod = (params: readonly unknown[]) => unknown;

const base58Text = getBase58Decoder();
const base58Bytes = getBase58Encoder();
const base64Text = getBase64Decoder();
const base64Bytes = getBase64Encoder();

export const SANDBOX_RPC_VERSION = { 'solana-core': '2.3.0-idlegrid-sandbox', 'feature-set': 0 };

export function createSandboxRpcMethods(chain: SandboxChain): Record<string, RpcMethod> {
  const context = () => ({ slot: chain.slot });

  return {
    getHealth: () => 'ok',
    getVersion: () => SANDBOX_RPC_VERSION,
    getGenesisHash: () => chain.genesisHash,
    getSlot: () => chain.slot,
    getBlockHeight: () => chain.slot,
    getEpochInfo: () => ({ absoluteSlot: chain.slot, blockHeight: chain.slot, epoch: 0n, slotIndex: chain.slot, slotsInEpoch: 432_000n, transactionCount: BigInt(chain.transactionCount()) }),

    getLatestBlockhash: () => {
      const { blockhash, lastValidBlockHeight } = chain.latestBlockhash();
      return { context: context(), value: { blockhash, lastValidBlockHeight } };
    },

    getMinimumBalanceForRentExemption: (params) => chain.minimumBalanceForRentExemption(BigInt(integerParam(params, 0, 'data length', 10 * 1024 * 1024))),

    getFeeForMessage: (params) => {
      const bytes = bytesParam(params, 0, 'base64');
      // The first byte after an optional version prefix is the number of required signatures.
      const numSignatures = (bytes[0] ?? 0) & 0x80 ? (bytes[1] ?? 1) : (bytes[0] ?? 1);
      return { context: context(), value: 5000n * BigInt(numSignatures) };
    },

    getBalance: (params) => {
      const account = chain.account(addressParam(params, 0));
      return { context: context(), value: account?.lamports ?? 0n };
    },

    getAccountInfo: (params) => {
      const config = configParam(params, 1);
      const encoding = (config.encoding as string | undefined) ?? 'base58';
      const account = chain.account(addressParam(params, 0));
      if (!account) return { context: context(), value: null };
      let data: [string, string];
      if (encoding === 'base64') data = [base64Text.decode(account.data), 'base64'];
      else if (encoding === 'base58') {
        if (account.data.length > 128) throw new RpcError(RPC_ERROR.invalidParams, 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
        data = [base58Text.decode(account.data), 'base58'];
      } else {
        throw new RpcError(RPC_ERROR.invalidParams, `The sandbox chain supports the base64 and base58 encodings, not "${encoding}".`);
      }
      return {
        context: context(),
        value: { data, executable: account.executable, lamports: account.lamports, owner: account.owner, rentEpoch: 2n ** 64n - 1n, space: BigInt(account.data.length) },
      };
    },

    getTokenAccountBalance: (params) => {
      const balance = chain.tokenAccountBalance(addressParam(params, 0));
      if (!balance) throw new RpcError(RPC_ERROR.invalidParams, 'Invalid param: could not find account');
      return { context: context(), value: uiTokenAmount(balance.amount, balance.decimals) };
    },

    requestAirdrop: async (params) => {
      const recipient = addressParam(params, 0);
      const lamports = BigInt(integerParam(params, 1, 'lamports', Number.MAX_SAFE_INTEGER));
      const [signature] = await chain.faucet(recipient, { lamports });
      if (!signature) throw new RpcError(RPC_ERROR.invalidParams, 'Airdrop amount must be more than 0 lamports.');
      return signature;
    },

    sendTransaction: async (params) => {
      const config = configParam(params, 1);
      const encoding = (config.encoding as string | undefined) ?? 'base58';
      if (encoding !== 'base64' && encoding !== 'base58') {
        throw new RpcError(RPC_ERROR.invalidParams, `unsupported encoding: ${encoding}. Supported encodings: base58, base64`);
      }
      const wire = bytesParam(params, 0, encoding);
      return chain.submit(wire, { skipPreflight: config.skipPreflight === true });
    },

    getSignatureStatuses: (params) => {
      const signatures = params[0];
      if (!Array.isArray(signatures) || signatures.length > 256) {
        throw new RpcError(RPC_ERROR.invalidParams, 'Invalid params: expected an array of at most 256 signatures.');
      }
      const value = signatures.map((s) => {
        if (typeof s !== 'string' || !isSignature(s)) throw new RpcError(RPC_ERROR.invalidParams, `Invalid param: not a signature: ${String(s).slice(0, 100)}`);
        const status = chain.signatureStatus(s);
        if (!status) return null;
        return {
          slot: status.slot,
          confirmations: status.confirmations,
          err: status.err,
          status: status.err === null ? { Ok: null } : { Err: status.err },
          confirmationStatus: status.confirmationStatus,
        };
      });
      return { context: context(), value };
    },

    getTransaction: (params) => {
      const signature = signatureParam(params, 0);
      const config = configParam(params, 1);
      const commitment = commitmentParam(config, 'finalized');
      if (commitment === 'processed') throw new RpcError(RPC_ERROR.invalidParams, 'Method does not support commitment below `confirmed`');
      const encoding = (config.encoding as string | undefined) ?? 'json';
      const tx = chain.transaction(signature, commitment);
      if (!tx) return null;
      if (tx.version !== 'legacy' && config.maxSupportedTransactionVersion === undefined) {
        throw new RpcError(
          RPC_ERROR.unsupportedTransactionVersion,
          'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
        );
      }
      let transaction: string;
      if (encoding === 'json') {
        transaction = `{"message":${tx.messageJson},"signatures":${JSON.stringify(signaturesOf(tx.wire))}}`;
      } else if (encoding === 'base64') {
        transaction = JSON.stringify([base64Text.decode(tx.wire), 'base64']);
      } else {
        throw new RpcError(RPC_ERROR.invalidParams, `The sandbox chain supports the json and base64 encodings for getTransaction, not "${encoding}".`);
      }
      const version = tx.version === 'legacy' ? '"legacy"' : '0';
      return new RawJson(
        `{"blockTime":${tx.blockTime},"meta":${tx.metaJson},"slot":${tx.slot},"transaction":${transaction},"version":${version}}`,
      );
    },

    getSignaturesForAddress: (params) => {
      const target = addressParam(params, 0);
      const config = configParam(params, 1);
      const limit = config.limit === undefined ? 1000 : Number(config.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RpcError(RPC_ERROR.invalidParams, 'Invalid limit; max 1000');
      const before = optionalSignature(config.before, 'before');
      const until = optionalSignature(config.until, 'until');
      const minimum = commitmentParam(config, 'finalized');
      const rows = chain.signaturesForAddress(target, limit, before, until);
      if (rows === null) return [];
      return rows
        .filter((row) => minimum !== 'finalized' || row.confirmationStatus === 'finalized')
        .map((row) => ({
          signature: row.signature,
          slot: row.slot,
          err: row.errJson === null ? null : JSON.parse(row.errJson),
          memo: row.memo,
          blockTime: row.blockTime,
          confirmationStatus: row.confirmationStatus,
        }));
    },

    idlegridSandbox_getInfo: () => ({
      usdcMint: chain.usdcMint,
      usdcDecimals: chain.usdcDecimals,
      faucet: chain.faucetAddress,
      slot: chain.slot,
      genesisHash: chain.genesisHash,
    }),

    /** params: [address, { lamports?: number, usdc?: number }] (defaults: 2 SOL and 1,000 USDC). */
    idlegridSandbox_faucet: async (params) => {
      const recipient = addressParam(params, 0);
      const config = configParam(params, 1);
      const lamports = config.lamports === undefined ? FAUCET_DEFAULT_LAMPORTS : BigInt(integerValue(config.lamports, 'lamports'));
      const usdc = config.usdc === undefined ? FAUCET_DEFAULT_USDC : BigInt(integerValue(config.usdc, 'usdc'));
      const signatures = await chain.faucet(recipient, { lamports, usdc });
      return { signatures, lamports, usdc };
    },
  };
}

function addressParam(params: readonly unknown[], index: number): Address {
  const value = params[index];
  if (typeof value !== 'string' || !isAddress(value)) {
    throw new RpcError(RPC_ERROR.invalidParams, `Invalid param: WrongSize or not a base58 address: ${String(value).slice(0, 100)}`);
  }
  return value;
}

function signatureParam(params: readonly unknown[], index: number): string {
  const value = params[index];
  if (typeof value !== 'string' || !isSignature(value)) throw new RpcError(RPC_ERROR.invalidParams, 'Invalid param: not a transaction signature');
  return value;
}

function optionalSignature(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isSignature(value)) throw new RpcError(RPC_ERROR.invalidParams, `Invalid param: ${name} is not a signature`);
  return value;
}

function configParam(params: readonly unknown[], index: number): Record<string, unknown> {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new RpcError(RPC_ERROR.invalidParams, `Invalid params: expected a config object at position ${index}.`);
  return value as Record<string, unknown>;
}

function commitmentParam(config: Record<string, unknown>, fallback: Commitment): Commitment {
  const value = config.commitment ?? fallback;
  if (value !== 'processed' && value !== 'confirmed' && value !== 'finalized') {
    throw new RpcError(RPC_ERROR.invalidParams, `Invalid commitment: ${String(value)}`);
  }
  return value;
}

function integerParam(params: readonly unknown[], index: number, name: string, max: number): number {
  return integerValue(params[index], name, max);
}

function integerValue(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RpcError(RPC_ERROR.invalidParams, `Invalid param: ${name} must be a whole number from 0 to ${max}.`);
  }
  return value;
}

function bytesParam(params: readonly unknown[], index: number, encoding: 'base58' | 'base64'): Uint8Array {
  const value = params[index];
  if (typeof value !== 'string' || value.length > 4096) throw new RpcError(RPC_ERROR.invalidParams, 'Invalid param: expected an encoded transaction.');
  try {
    return new Uint8Array(encoding === 'base64' ? base64Bytes.encode(value) : base58Bytes.encode(value));
  } catch {
    throw new RpcError(RPC_ERROR.invalidParams, `invalid ${encoding} encoding`);
  }
}

/** The signatures of a wire transaction, in order: a compact-u16 count then 64-byte signatures. */
function signaturesOf(wire: Uint8Array): string[] {
  let count = 0;
  let offset = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = wire[offset++] ?? 0;
    count |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(base58Text.decode(wire.subarray(offset + i * 64, offset + (i + 1) * 64)));
  return out;
}
