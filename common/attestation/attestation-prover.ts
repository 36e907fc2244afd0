import type { AttestationChallenge, AttestationOpen, NodeCommit, NodeOpening } from './attestation-wire';
import { leafHash, merklePath, merkleRoot, toHex } from './merkle';
import type { Sha256 } from './merkle';
import { ROW_DIGEST_BYTES, rowDigest } from './row-digest';
import { MATRIX_A, MATRIX_B, matrixBase, matrixRow } from './seeded-matrix';

/**
 * The node's side of the protocol in plain TypeScript: what attest.py does with PyTorch, on
 * the CPU of this process. The Sandbox runs it when the attestation image is absent (a
 * newcomer with Docker but no torch image can still lend; the outcome is labelled as not a
 * proof), and tests use it to play honest and dishonest nodes without a container.
 *
 * It keeps the digests and recomputes an opened row from the seed (cheap: n² per row);
 * holding the product is the GPU script's memory proof, not this one's.
 */
export class InProcessProver {
  private digests: Uint8Array | null = null;
  private leaves: Uint8Array[] = [];

  constructor(
    private readonly sha256: Sha256,
    private readonly challenge: AttestationChallenge,
    private readonly gpuCount: number,
  ) {}

  get rows(): number {
    return this.challenge.blocksPerGpu * this.challenge.n * this.gpuCount;
  }

  /** Computes the whole product, row by row, and commits to it. */
  commit(startedAtMs: number, nowMs: () => number): NodeCommit {
    const b = this.matrixB();
    const digests = new Uint8Array(this.rows * ROW_DIGEST_BYTES);
    this.digestRows(b, digests, 0, this.rows);
    return this.commitTo(digests, startedAtMs, nowMs);
  }

  /** The same, in slices of rows with `pause()` between them, so a busy app keeps answering. */
  async commitInSlices(startedAtMs: number, nowMs: () => number, pause: () => Promise<void>, rowsPerSlice = 256): Promise<NodeCommit> {
    const b = this.matrixB();
    const digests = new Uint8Array(this.rows * ROW_DIGEST_BYTES);
    for (let from = 0; from < this.rows; from += rowsPerSlice) {
      this.digestRows(b, digests, from, Math.min(this.rows, from + rowsPerSlice));
      await pause();
    }
    return this.commitTo(digests, startedAtMs, nowMs);
  }

  private digestRows(b: Int32Array, digests: Uint8Array, from: number, to: number): void {
    const product = new Int32Array(this.challenge.n);
    for (let i = from; i < to; i++) {
      this.productRow(i, b, product);
      digests.set(rowDigest(product), i * ROW_DIGEST_BYTES);
    }
  }

  private commitTo(digests: Uint8Array, startedAtMs: number, nowMs: () => number): NodeCommit {
    const { n, groupRows } = this.challenge;
    const rows = this.rows;
    this.digests = digests;
    this.leaves = [];
    for (let g = 0; g * groupRows < rows; g++) this.leaves.push(leafHash(this.sha256, this.groupDigests(g)));
    const root = merkleRoot(this.sha256, this.leaves);
    return { type: 'commit', root: toHex(root), rows, heldBytes: rows * n * 4, computeMs: Math.max(0, Math.round(nowMs() - startedAtMs)) };
  }

  open(request: AttestationOpen): NodeOpening {
    const { n, groupRows } = this.challenge;
    const b = this.matrixB();
    return {
      type: 'opening',
      rows: request.rows.map((row) => {
        const group = Math.floor(row / groupRows);
        return {
          row,
          values: Array.from(this.productRow(row, b, new Int32Array(n))),
          groupDigests: toHex(this.groupDigests(group)),
          path: merklePath(this.sha256, this.leaves, group).map(toHex),
        };
      }),
    };
  }

  /** Row i of A·B. */
  productRow(i: number, b: Int32Array, out: Int32Array): Int32Array {
    const { n } = this.challenge;
    const a = matrixRow(matrixBase(this.challenge.seed, MATRIX_A), i, n);
    out.fill(0);
    for (let l = 0; l < n; l++) {
      const v = a[l]!;
      if (v === 0) continue;
      const offset = l * n;
      for (let j = 0; j < n; j++) out[j]! += v * b[offset + j]!;
    }
    return out;
  }

  matrixB(): Int32Array {
    const { n } = this.challenge;
    const base = matrixBase(this.challenge.seed, MATRIX_B);
    const b = new Int32Array(n * n);
    const row = new Int32Array(n);
    for (let i = 0; i < n; i++) b.set(matrixRow(base, i, n, row), i * n);
    return b;
  }

  private groupDigests(group: number): Uint8Array {
    const { groupRows } = this.challenge;
    const start = group * groupRows * ROW_DIGEST_BYTES;
    const end = Math.min(this.rows, (group + 1) * groupRows) * ROW_DIGEST_BYTES;
    return this.digests!.subarray(start, end);
  }
}
