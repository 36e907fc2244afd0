import { randomBytes } from 'node:crypto';
import { createKeyPairFromPrivateKeyBytes, getAddressDecoder, getBase58Encoder } from '@solana/kit';
import type { Address } from '@solana/kit';
import { ApiError } from '../../common/api/errors';

/**
 * A Solana keypair as 64 bytes: the 32-byte Ed25519 seed followed by the 32-byte public
 * key — the layout of Solana CLI key files and of base58 "private keys" exported by
 * wallets. The public half is always checked against the seed, so a damaged or edited
 * key is refused instead of being stored under the wrong address.
 */
export const KEYPAIR_BYTES = 64;

const addressDecoder = getAddressDecoder();

export interface KeypairBytes {
  address: Address;
  /** seed ‖ public key. Callers wipe it (fill(0)) as soon as they are done. */
  bytes: Uint8Array;
}

/** The public key that belongs to a 32-byte seed, through WebCrypto (Node's Ed25519). */
export async function publicKeyFromSeed(seed: Uint8Array): Promise<Uint8Array> {
  const pair = await createKeyPairFromPrivateKeyBytes(seed, false);
  return new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
}

export async function generateKeypairBytes(): Promise<KeypairBytes> {
  const seed = new Uint8Array(randomBytes(32));
  const pub = await publicKeyFromSeed(seed);
  const bytes = new Uint8Array(KEYPAIR_BYTES);
  bytes.set(seed, 0);
  bytes.set(pub, 32);
  seed.fill(0);
  return { address: addressDecoder.decode(pub), bytes };
}

/** Checks that the public half matches the seed; returns the address. */
export async function verifyKeypairBytes(bytes: Uint8Array): Promise<Address> {
  if (bytes.length !== KEYPAIR_BYTES) {
    throw new ApiError('invalid_params', `A Solana keypair has ${KEYPAIR_BYTES} bytes; this one has ${bytes.length}.`, 'keypair_wrong_length');
  }
  const pub = await publicKeyFromSeed(bytes.subarray(0, 32));
  if (!Buffer.from(pub).equals(Buffer.from(bytes.subarray(32)))) {
    throw new ApiError(
      'invalid_params',
      'This key is damaged: its public half does not belong to its secret half. Export it again from the wallet it came from.',
      'keypair_damaged',
    );
  }
  return addressDecoder.decode(pub);
}

/**
 * Reads a secret as the user gives it: the contents of a Solana CLI key file (a JSON
 * array of 64 numbers from 0 to 255) or a base58 secret key (64 bytes, as Phantom and
 * Solflare export it). Error messages never repeat the input.
 */
export async function parseSecretKey(text: string): Promise<KeypairBytes> {
  const trimmed = text.trim();
  let bytes: Uint8Array;
  if (trimmed.startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(trimmed);
    } catch {
      throw new ApiError('invalid_params', 'This looks like a Solana CLI key file but is not valid JSON. Paste the whole file, from [ to ].', 'key_file_not_json');
    }
    if (!Array.isArray(values) || values.length !== KEYPAIR_BYTES || !values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new ApiError('invalid_params', `A Solana CLI key file is a JSON array of ${KEYPAIR_BYTES} numbers from 0 to 255; this one is not.`, 'key_file_malformed');
    }
    bytes = Uint8Array.from(values as number[]);
  } else {
    if (!/^[1-9A-HJ-NP-Za-km-z]+$/.test(trimmed)) {
      throw new ApiError(
        'invalid_params',
        'Not a key Idlegrid can read. Paste a Solana CLI key file (a JSON array of 64 numbers) or a base58 secret key.',
        'key_unreadable',
      );
    }
    bytes = new Uint8Array(getBase58Encoder().encode(trimmed));
    if (bytes.length === 32) {
      bytes.fill(0);
      throw new ApiError(
        'invalid_params',
        'That is 32 bytes: a public address or a bare seed, not a full secret key. Paste the 64-byte secret key (base58) or the key file.',
        'key_is_public_or_seed',
      );
    }
  }
  try {
    return { address: await verifyKeypairBytes(bytes), bytes };
  } catch (error) {
    bytes.fill(0);
    throw error;
  }
}
