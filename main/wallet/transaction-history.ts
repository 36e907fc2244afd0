import { getBase58Encoder, getUtf8Decoder } from '@solana/kit';
import type { Address, Signature } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS } from '@solana-program/memo';
import type { WalletTransaction } from '../../common/wallet/wallet-types';
import type { ChainClient } from '../../solana/rpc/chain-client';
import type { JsonEncodedTransaction } from '../../solana/payments/payment-verifier';

const MEMO_PROGRAMS = new Set<string>([LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS, 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
const CACHE_LIMIT = 500;
const base58 = getBase58Encoder();
const utf8 = getUtf8Decoder();

/**
 * The wallet's recent transactions, seen from its side: what its SOL and payment token did, who
 * was on the other side, the memo, and what this app did it for. The token arrives at the
 * wallet's token account, not at the wallet address, so both histories are merged.
 * Finalized transactions never change, so they are cached.
 */
export class TransactionHistory {
  private readonly cache = new Map<string, JsonEncodedTransaction>();

  constructor(private readonly purposeOf: (signature: string) => string | null) {}

  async recent(client: ChainClient, owner: Address, paymentMint: Address, limit: number): Promise<WalletTransaction[]> {
    const [ata] = await findAssociatedTokenPda({ owner, mint: paymentMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const [mine, tokens] = await Promise.all([client.signaturesForAddress(owner, limit), client.signaturesForAddress(ata, limit)]);
    const bySignature = new Map<string, (typeof mine)[number]>();
    for (const row of [...mine, ...tokens]) bySignature.set(row.signature, row);
    const rows = [...bySignature.values()].sort((a, b) => Number(b.slot - a.slot)).slice(0, limit);

    const out: WalletTransaction[] = [];
    for (const row of rows) {
      const tx = await this.fetch(client, row.signature, row.confirmationStatus === 'finalized');
      out.push(describe(row.signature, tx, row, owner, paymentMint, this.purposeOf(row.signature)));
    }
    return out;
  }

  private async fetch(client: ChainClient, signature: Signature, finalized: boolean): Promise<JsonEncodedTransaction | null> {
    const cached = this.cache.get(signature);
    if (cached) return cached;
    const tx = (await client.transaction(signature, 'confirmed')) as unknown as JsonEncodedTransaction | null;
    if (tx && finalized) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(signature, tx);
    }
    return tx;
  }
}

interface SignatureRow {
  signature: string;
  slot: bigint;
  blockTime: bigint | null;
  err: unknown;
  memo: string | null;
  confirmationStatus: string | null;
}

function describe(
  signature: string,
  tx: JsonEncodedTransaction | null,
  row: SignatureRow,
  owner: string,
  paymentMint: string,
  purpose: string | null,
): WalletTransaction {
  const base: WalletTransaction = {
    signature,
    slot: Number(row.slot),
    blockTimeMs: row.blockTime === null ? null : Number(row.blockTime) * 1000,
    status: row.err ? 'failed' : row.confirmationStatus === 'finalized' ? 'finalized' : 'confirmed',
    error: row.err ? JSON.stringify(row.err, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : null,
    solChange: '0',
    tokenChange: '0',
    counterparty: null,
    memo: row.memo,
    purpose,
  };
  if (!tx?.meta) return base;
  const meta = tx.meta as JsonEncodedTransaction['meta'] & { preBalances?: readonly bigint[]; postBalances?: readonly bigint[] };
  const keys = tx.transaction.message.accountKeys;
  const index = keys.indexOf(owner);

  let solChange = 0n;
  let counterparty: string | null = null;
  if (index >= 0 && meta?.preBalances && meta.postBalances) {
    solChange = BigInt(meta.postBalances[index] ?? 0n) - BigInt(meta.preBalances[index] ?? 0n);
    // The account whose SOL moved most the other way.
    let best = 0n;
    keys.forEach((key, i) => {
      if (i === index) return;
      const delta = BigInt(meta.postBalances?.[i] ?? 0n) - BigInt(meta.preBalances?.[i] ?? 0n);
      if ((solChange < 0n && delta > best) || (solChange > 0n && -delta > best)) {
        best = delta < 0n ? -delta : delta;
        counterparty = key;
      }
    });
  }

  const tokenDelta = (who: string) => {
    let total = 0n;
    for (const b of meta?.postTokenBalances ?? []) if (b.mint === paymentMint && b.owner === who) total += BigInt(b.uiTokenAmount.amount);
    for (const b of meta?.preTokenBalances ?? []) if (b.mint === paymentMint && b.owner === who) total -= BigInt(b.uiTokenAmount.amount);
    return total;
  };
  const tokenChange = tokenDelta(owner);
  if (tokenChange !== 0n) {
    const owners = new Set((meta?.postTokenBalances ?? []).filter((b) => b.mint === paymentMint && b.owner && b.owner !== owner).map((b) => b.owner as string));
    for (const other of owners) {
      const delta = tokenDelta(other);
      if ((tokenChange < 0n && delta > 0n) || (tokenChange > 0n && delta < 0n)) {
        counterparty = other;
        break;
      }
    }
    // Tokens minted to us (faucet) have no other token holder: name the mint authority's tx signer.
    if (tokenChange > 0n && counterparty === null) counterparty = keys[0] ?? null;
  }

  const memos = tx.transaction.message.instructions
    .filter((ix) => MEMO_PROGRAMS.has(keys[ix.programIdIndex] ?? ''))
    .map((ix) => {
      try {
        return utf8.decode(base58.encode(ix.data));
      } catch {
        return '';
      }
    })
    .filter(Boolean);

  return {
    ...base,
    solChange: solChange.toString(),
    tokenChange: tokenChange.toString(),
    counterparty,
    memo: memos.length ? memos.join(' · ') : base.memo,
  };
}
