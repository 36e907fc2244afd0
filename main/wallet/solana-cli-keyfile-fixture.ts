import { generateKeyPairSync } from 'node:crypto';
import { getBase58Decoder } from '@solana/kit';

/**
 * A Solana CLI key file made the way `solana-keygen new` makes one — an Ed25519 keypair
 * written as a JSON array of 64 numbers (32-byte seed, then the 32-byte public key) —
 * but generated with Node's own crypto, independently of the code under test.
 */
export interface CliKeyfile {
  /** The file's exact text. */
  text: string;
  bytes: Uint8Array;
  seed: Uint8Array;
  address: string;
}

export function makeSolanaCliKeyfile(): CliKeyfile {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url'));
  const pub = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  const bytes = new Uint8Array([...seed, ...pub]);
  return { text: JSON.stringify(Array.from(bytes)), bytes, seed, address: getBase58Decoder().decode(pub) };
}
