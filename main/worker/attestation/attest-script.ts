import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | null = null;

/**
 * The attestation script's text (attest.py), loaded on first use. The app's bundle and
 * vitest inline it (Vite's `?raw`); plain Node with tsx — the test and chaos processes that
 * load the whole app — has no `?raw`, and reads the file beside this module instead. Lazy,
 * so loading the app never depends on it.
 */
export async function attestScript(): Promise<string> {
  if (cached !== null) return cached;
  try {
    cached = (await import('./attest.py?raw')).default;
  } catch {
    cached = readFileSync(join(__dirname, 'attest.py'), 'utf8');
  }
  return cached;
}
