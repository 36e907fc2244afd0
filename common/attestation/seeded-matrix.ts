/**
 * The challenge matrices, derived from a seed with 32-bit integer arithmetic that the node's
 * PyTorch script repeats exactly (attest.py: `mix`, `matrix_block`). Entries are small
 * integers in [-3, 3], so every product entry is an integer of magnitude ≤ 9·n: exact in
 * fp32 accumulation (and in TF32, whose inputs keep these values exactly) for any n the
 * catalog uses.
 *
 * mix is a 32-bit avalanche (xor-shift, multiply) whose multipliers are below 2^31, so the
 * script can compute it in int64 tensors without overflow.
 */

const M1 = 0x21f0aaad;
const M2 = 0x735a2d97;

/** The seed's matrix tags: A (the tall left factor) and B (the shared right factor). */
export const MATRIX_A = 0x41;
export const MATRIX_B = 0x42;

export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, M1) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, M2) >>> 0;
  x ^= x >>> 15;
  return x >>> 0;
}

/** A seed is four 32-bit words; each matrix gets its own base from it and its tag. */
export function matrixBase(seed: readonly number[], tag: number): number {
  let h = mix32(tag);
  for (const word of seed) h = mix32((h ^ word) >>> 0);
  return h;
}

/** The hash of row i of a matrix; entry (i, j) mixes it with j. */
export function rowKey(base: number, row: number): number {
  return mix32((base ^ row) >>> 0);
}

export function entryOf(key: number, column: number): number {
  return (mix32((key + column) >>> 0) % 7) - 3;
}

/** Row `row` of the matrix with this base: n small integers. */
export function matrixRow(base: number, row: number, n: number, out = new Int32Array(n)): Int32Array {
  const key = rowKey(base, row);
  for (let j = 0; j < n; j++) out[j] = entryOf(key, j);
  return out;
}
