import { z } from 'zod';

/**
 * Solana values as they travel: base58 strings. The schemas check the alphabet and a
 * plausible length; the hub decodes addresses and signatures fully where it uses them
 * (a 32-byte public key, a 64-byte signature).
 */
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

export const solanaAddressSchema = z
  .string()
  .min(32)
  .max(44)
  .regex(BASE58, 'a Solana address is base58 (no 0, O, I or l)');

export const transactionSignatureSchema = z
  .string()
  .min(64)
  .max(88)
  .regex(BASE58, 'a transaction signature is base58');
