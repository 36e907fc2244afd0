import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { getAddressEncoder, getBase58Encoder } from '@solana/kit';

/**
 * Checks an ed25519 signature by a Solana wallet. A Solana address IS the raw 32-byte
 * ed25519 public key in base58, so node:crypto can verify directly (wrapped in the fixed
 * SPKI DER header for ed25519) — no network, no key registry. Key objects are cached per
 * address because building one costs more than the verify itself.
 */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const addressEncoder = getAddressEncoder();
const base58 = getBase58Encoder();
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 50_000;

function publicKeyOf(address: string): KeyObject | null {
  const cached = keyCache.get(address);
  if (cached) return cached;
  let raw: Uint8Array;
  try {
    raw = addressEncoder.encode(address as Parameters<typeof addressEncoder.encode>[0]) as Uint8Array;
  } catch {
    return null;
  }
  if (raw.length !== 32) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(address, key);
  return key;
}

export function decodeSignature(signatureBase58: string): Uint8Array | null {
  try {
    const bytes = base58.encode(signatureBase58) as Uint8Array;
    return bytes.length === 64 ? bytes : null;
  } catch {
    return null;
  }
}

/** True only for a valid 64-byte signature of `message` by the key behind `address`. */
export function verifyWalletSignature(address: string, message: Uint8Array, signatureBase58: string): boolean {
  const key = publicKeyOf(address);
  const signature = decodeSignature(signatureBase58);
  if (!key || !signature) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
