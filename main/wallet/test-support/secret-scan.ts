import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getBase58Decoder } from '@solana/kit';

// The scan for leaked key material, shared by the vault's tests (the data dir) and the
// app's (its logs and the diagnostics bundle).

/** Every file under `dir`, read as bytes. */
export function allFiles(dir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(path));
    else out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

/** The ways a leaked secret could sit in a file: raw bytes and every text encoding of them. */
export function secretForms(secret: Uint8Array): Buffer[] {
  const seed = secret.subarray(0, 32);
  const forms = [Buffer.from(seed), Buffer.from(secret)];
  for (const bytes of [seed, secret]) {
    forms.push(Buffer.from(getBase58Decoder().decode(bytes)));
    forms.push(Buffer.from(Buffer.from(bytes).toString('base64')));
    forms.push(Buffer.from(Buffer.from(bytes).toString('hex')));
    forms.push(Buffer.from(Array.from(bytes).join(',')));
  }
  return forms;
}
