import { mix32 } from './seeded-matrix';

/**
 * A 64-bit digest of one product row, computed on the GPU by the node for every row and
 * by the verifier for the rows it opens. It is a sum of a non-linear function of each
 * entry and its column, so nobody can produce it without every entry of the row (a linear
 * digest could be had as A_i·(B·R) without the product). It need not resist collisions on
 * its own: an opened row must also pass the Freivalds check, which pins it to the true row.
 *
 * Words: h1 = Σ_j mix(u_j ^ mix(j)) mod 2^32, h2 = Σ_j mix(u_j ^ mix(j ^ SALT)) mod 2^32,
 * where u_j is the entry as an unsigned 32-bit two's complement. Eight bytes, h1 then h2,
 * little-endian.
 */
export const DIGEST_SALT = 0x5bd1e995;
export const ROW_DIGEST_BYTES = 8;

export function rowDigest(values: ArrayLike<number>, out = new Uint8Array(ROW_DIGEST_BYTES)): Uint8Array {
  let h1 = 0;
  let h2 = 0;
  for (let j = 0; j < values.length; j++) {
    const u = values[j]! >>> 0;
    h1 = (h1 + mix32((u ^ mix32(j)) >>> 0)) >>> 0;
    h2 = (h2 + mix32((u ^ mix32((j ^ DIGEST_SALT) >>> 0)) >>> 0)) >>> 0;
  }
  writeU32(out, 0, h1);
  writeU32(out, 4, h2);
  return out;
}

function writeU32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = (value >>> 16) & 0xff;
  out[offset + 3] = (value >>> 24) & 0xff;
}
