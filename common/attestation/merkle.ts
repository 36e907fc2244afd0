/**
 * The node's commitment: a SHA-256 Merkle tree whose leaves are groups of consecutive row
 * digests (one leaf per `groupRows` rows, so a tree over millions of rows stays small).
 * leaf = H(0x00 ‖ digests of the group), node = H(0x01 ‖ left ‖ right); a level with an odd
 * count carries its last node up unchanged. The same rules are in attest.py.
 *
 * SHA-256 comes from the caller (node:crypto in main, tests and benches): common/ has no
 * Node and hashes nothing itself.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array;

export function leafHash(sha256: Sha256, groupDigests: Uint8Array): Uint8Array {
  const data = new Uint8Array(1 + groupDigests.length);
  data[0] = 0;
  data.set(groupDigests, 1);
  return sha256(data);
}

export function nodeHash(sha256: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  const data = new Uint8Array(1 + left.length + right.length);
  data[0] = 1;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return sha256(data);
}

/** The root over these leaves (at least one). */
export function merkleRoot(sha256: Sha256, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  let level = [...leaves];
  while (level.length > 1) level = nextLevel(sha256, level);
  return level[0]!;
}

/** The siblings from leaf `index` up to the root (absent where a node was carried up). */
export function merklePath(sha256: Sha256, leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  const path: Uint8Array[] = [];
  let level = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i ^ 1;
    if (sibling < level.length) path.push(level[sibling]!);
    level = nextLevel(sha256, level);
    i >>= 1;
  }
  return path;
}

/** Whether `leaf` at `index` of a tree of `leafCount` leaves hashes up to `root` through `path`. */
export function verifyMerklePath(sha256: Sha256, leaf: Uint8Array, index: number, leafCount: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= leafCount) return false;
  let hash = leaf;
  let i = index;
  let count = leafCount;
  let used = 0;
  while (count > 1) {
    const sibling = i ^ 1;
    if (sibling < count) {
      const other = path[used++];
      if (!other) return false;
      hash = i % 2 === 0 ? nodeHash(sha256, hash, other) : nodeHash(sha256, other, hash);
    }
    i >>= 1;
    count = Math.ceil(count / 2);
  }
  return used === path.length && equalBytes(hash, root);
}

function nextLevel(sha256: Sha256, level: readonly Uint8Array[]): Uint8Array[] {
  const next: Uint8Array[] = [];
  for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(sha256, level[i]!, level[i + 1]!) : level[i]!);
  return next;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Hex to bytes; null for anything that is not even-length hex. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
