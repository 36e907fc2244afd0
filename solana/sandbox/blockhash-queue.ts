import { createHash } from 'node:crypto';
import { getBase58Decoder } from '@solana/kit';

export const BLOCKHASH_VALID_SLOTS = 150n;

const base58 = getBase58Decoder();

/**
 * Recent blockhashes, one per slot, valid for 150 slots like on a real cluster. LiteSVM
 * accepts only its single latest blockhash, which would reject a transaction built a
 * moment before another one landed; so the sandbox checks lifetimes itself. Each
 * blockhash is derived from the chain's salt and the slot, so none has to be stored.
 */
export class BlockhashQueue {
  private readonly slotByHash = new Map<string, bigint>();
  private newestSlot = -1n;

  constructor(private readonly salt: string) {}

  hashForSlot(slot: bigint): string {
    return base58.decode(createHash('sha256').update(`idlegrid-sandbox:${this.salt}:${slot}`).digest());
  }

  /** Makes `slot` the newest and forgets hashes that fell out of the window. */
  advanceTo(slot: bigint): void {
    if (slot <= this.newestSlot) return;
    const from = slot - this.newestSlot > BLOCKHASH_VALID_SLOTS ? slot - BLOCKHASH_VALID_SLOTS : this.newestSlot + 1n;
    for (let s = from; s <= slot; s++) this.slotByHash.set(this.hashForSlot(s), s);
    this.newestSlot = slot;
    for (const [hash, s] of this.slotByHash) {
      if (s < slot - BLOCKHASH_VALID_SLOTS) this.slotByHash.delete(hash);
    }
  }

  /** The slot a still-valid blockhash was issued at, or null when unknown or expired. */
  slotOf(blockhash: string): bigint | null {
    return this.slotByHash.get(blockhash) ?? null;
  }
}
