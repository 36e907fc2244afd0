import { describe, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { ApiError } from '../../common/api/errors';
import { generateKeypairBytes, parseSecretKey } from './keypair-bytes';
import { makeSolanaCliKeyfile } from './solana-cli-keyfile-fixture';

describe('reading Solana secret keys', () => {
  it('reads a Solana CLI key file and derives the address from the key itself', async () => {
    const file = makeSolanaCliKeyfile();
    const parsed = await parseSecretKey(`${file.text}\n`);
    expect(parsed.address).toBe(file.address);
    expect(Array.from(parsed.bytes)).toEqual(Array.from(file.bytes));
  });

  it('reads the same key as a base58 secret (as Phantom exports it)', async () => {
    const file = makeSolanaCliKeyfile();
    const parsed = await parseSecretKey(getBase58Decoder().decode(file.bytes));
    expect(parsed.address).toBe(file.address);
  });

  it('refuses a key whose public half does not belong to its seed', async () => {
    const a = makeSolanaCliKeyfile();
    const b = makeSolanaCliKeyfile();
    const spliced = JSON.stringify([...a.seed, ...b.bytes.subarray(32)]);
    await expect(parseSecretKey(spliced)).rejects.toThrow(/damaged/);
  });

  it('refuses wrong formats with messages that never repeat the secret', async () => {
    const file = makeSolanaCliKeyfile();
    const cases = [
      file.text.slice(0, -5), // truncated JSON
      JSON.stringify(Array.from(file.bytes.subarray(0, 63))), // 63 numbers
      JSON.stringify([...Array.from(file.bytes.subarray(0, 63)), 256]), // out of range
      getBase58Decoder().decode(file.bytes.subarray(0, 32)), // a bare seed
      'not-a-key-0OIl',
    ];
    for (const input of cases) {
      const error = await parseSecretKey(input).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('invalid_params');
      expect((error as ApiError).message).not.toContain(input.slice(0, 20));
    }
  });

  it('generates keys in the same layout that the CLI format reads back', async () => {
    const generated = await generateKeypairBytes();
    const again = await parseSecretKey(JSON.stringify(Array.from(generated.bytes)));
    expect(again.address).toBe(generated.address);
  });
});
