import { randomBytes as nodeRandomBytes } from 'node:crypto';

/**
 * The hub's sources of time and randomness, handed to every service through its
 * constructor: tests can run the real services with a clock they move by hand.
 */
export interface HubClock {
  nowMs(): number;
}

export type RandomBytes = (length: number) => Uint8Array;

export const systemClock: HubClock = { nowMs: () => Date.now() };
export const secureRandomBytes: RandomBytes = (length) => nodeRandomBytes(length);

/** A clock tests move by hand. */
export class ManualClock implements HubClock {
  constructor(private now: number) {}
  nowMs(): number {
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
  set(ms: number): void {
    this.now = ms;
  }
}

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Ids made by the hub: a short prefix saying what it names and 16 characters of
 * Crockford base32 (80 bits), short enough for a memo (`idlegrid:<lease>:<increment>`).
 */
export function makeId(prefix: string, random: RandomBytes): string {
  const bytes = random(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ID_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return `${prefix}-${out}`;
}
