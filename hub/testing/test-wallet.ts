import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { getAddressDecoder } from '@solana/kit';

/**
 * A throwaway ed25519 wallet for tests and test processes: its address is the base58 raw
 * public key, exactly as a Solana wallet's, and it signs messages the way Wallet
 * Standard's `solana:signMessage` does (plain ed25519 over the bytes).
 */
export interface TestWallet {
  address: string;
  signMessage(message: Uint8Array): Promise<Uint8Array>;
  /** PKCS#8 DER, hex: hand it to a child process to act as the same wallet. */
  privateKeyHex: string;
}

const addressDecoder = getAddressDecoder();

function fromPrivateKey(privateKey: KeyObject): TestWallet {
  const jwk = privateKey.export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  return {
    address: addressDecoder.decode(publicKey),
    signMessage: async (message) => new Uint8Array(sign(null, message, privateKey)),
    privateKeyHex: (privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).toString('hex'),
  };
}

export function createTestWallet(): TestWallet {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

export function testWalletFromHex(privateKeyHex: string): TestWallet {
  return fromPrivateKey(createPrivateKey({ key: Buffer.from(privateKeyHex, 'hex'), format: 'der', type: 'pkcs8' }));
}
