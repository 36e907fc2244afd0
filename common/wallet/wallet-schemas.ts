import { z } from 'zod';
import { isAddress } from '@solana/kit';
import { isBaseUnits } from '../money/token-amount';

/** A base58 Solana address (32 bytes). */
export const addressSchema = z
  .string()
  .min(32)
  .max(44)
  .refine((value) => isAddress(value), { message: 'Not a Solana address (expected 32–44 base58 characters).' });

/** An amount in base units as a decimal string that fits a u64 (money never travels as a float). */
export const baseUnitsSchema = z
  .string()
  .max(20)
  .refine(isBaseUnits, { message: 'Expected a whole number of base units as a decimal string.' });

/** A wallet label as the user typed it. */
export const walletLabelSchema = z.string().trim().min(1).max(64);

/** Base64 without whitespace, bounded: a Solana transaction is at most 1232 bytes. */
export function base64Schema(maxBytes: number) {
  return z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'Expected base64.' });
}
