import { generateKeyPairSync } from 'node:crypto';

/** A WireGuard key pair in the base64 form `wg` reads. */
export interface MeshKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * A fresh x25519 key pair for one node of one lease: never stored, never reused, so a
 * lease's traffic cannot be read with the keys of another lease or a later leak.
 */
export function createMeshKeyPair(): MeshKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const priv = privateKey.export({ format: 'jwk' }).d!;
  const pub = publicKey.export({ format: 'jwk' }).x!;
  return { privateKey: Buffer.from(priv, 'base64url').toString('base64'), publicKey: Buffer.from(pub, 'base64url').toString('base64') };
}
