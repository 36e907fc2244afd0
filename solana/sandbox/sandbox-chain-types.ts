/** The sandbox chain's options and the shapes it answers with, shared with its RPC methods. */
import type { RpcTransactionError } from './transaction-error';

export interface SandboxChainOptions {
  /** Folder for chain.db (created if missing). */
  dataDir: string;
  /** A new slot this often; 0 = slots advance only per transaction and by `advanceSlots` (tests). */
  slotIntervalMs?: number;
  /** Slots after which a transaction counts as confirmed (0: at once, one node votes instantly). */
  confirmationDepthSlots?: number;
  /** Slots after which a transaction counts as finalized (32 on real clusters). */
  finalizationDepthSlots?: number;
  nowMs?: () => number;
}

export type Commitment = 'processed' | 'confirmed' | 'finalized';

export interface SignatureStatus {
  slot: bigint;
  confirmations: bigint | null;
  err: RpcTransactionError | null;
  confirmationStatus: Commitment;
}

export interface ChainAccount {
  lamports: bigint;
  owner: string;
  executable: boolean;
  data: Uint8Array;
}

/** Whether a transaction at commitment `actual` satisfies a request for `required`. */
export function reaches(actual: Commitment, required: Commitment): boolean {
  const rank: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 2 };
  return rank[actual] >= rank[required];
}
