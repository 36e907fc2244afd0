import type { AttestationOutcome, AttestationReason } from './attestation-outcome';
import type { AttestationParams } from './attestation-params';
import type { AttestationChallenge, AttestationOpen, NodeCommit, NodeOpening, NodeReady, SeenGpu } from './attestation-wire';
import { equalBytes, fromHex, leafHash, verifyMerklePath } from './merkle';
import type { Sha256 } from './merkle';
import { ROW_DIGEST_BYTES, rowDigest } from './row-digest';
import { MATRIX_A, MATRIX_B, matrixBase, matrixRow } from './seeded-matrix';

/** The GPUs a node was leased with, as the hub's placement names them. */
export interface LeasedGpus {
  gpuUuids: readonly string[];
  gpuModel: string;
  vramMiB: number;
}

export interface AttestationVerifierDeps {
  sha256: Sha256;
  /** A uniformly random 32-bit unsigned integer (crypto.getRandomValues or node:crypto). */
  randomU32: () => number;
  params: AttestationParams;
  leased: LeasedGpus;
}

/** Freivalds vector entries lie in [1, 2^20): every dot product stays an exact double (< 2^53) for n ≤ 16,384. */
const R_RANGE = (1 << 20) - 1;
/** A GPU may report a little less memory than its marketing size (reserved by the driver). */
const MEMORY_TOLERANCE = 0.95;

/**
 * One attestation of one node, from the verifier's side (the renter's app). It makes a fresh
 * seed, checks the GPUs the container reports, takes the commitment (on time?), then picks
 * k rows only the commitment fixes, and checks each opened row twice: against the Merkle
 * root (the node committed to this row before it knew which would be asked) and against the
 * seed (Freivalds: row·r = A_i·(B·r) for a secret random r, which a wrong row meets with
 * probability below 2^-20 per row).
 */
export class AttestationVerifier {
  private readonly seed: number[];
  private readonly r: Float64Array;
  private commit: NodeCommit | null = null;
  private opened: number[] = [];
  private elapsedMs: number | null = null;
  private simulated = false;

  constructor(private readonly o: AttestationVerifierDeps) {
    this.seed = [o.randomU32(), o.randomU32(), o.randomU32(), o.randomU32()].map((w) => w >>> 0);
    this.r = new Float64Array(o.params.n);
    for (let j = 0; j < o.params.n; j++) this.r[j] = 1 + (o.randomU32() % R_RANGE);
  }

  challenge(): AttestationChallenge {
    const { params } = this.o;
    return { type: 'challenge', seed: [...this.seed], device: params.device, n: params.n, blocksPerGpu: params.blocksPerGpu, groupRows: params.groupRows };
  }

  /** The GPUs the container sees must be exactly the leased ones; null when they are. */
  checkReady(ready: NodeReady): AttestationOutcome | null {
    const { leased, params } = this.o;
    const seen = ready.gpus.map((g) => g.uuid).sort();
    const wanted = [...leased.gpuUuids].sort();
    if (seen.length !== wanted.length || seen.some((u, i) => u !== wanted[i])) {
      return this.fail('attestation_gpu_mismatch', `The container saw ${describeGpus(ready.gpus)}, not the leased ${wanted.join(', ') || 'none'}.`);
    }
    this.simulated = ready.prover === 'in-process';
    if (this.simulated && params.device === 'cuda') {
      return this.fail('attestation_failed', 'The node offered a simulated check (the Sandbox\u2019s stand-in); a real grid needs the GPU check in its container.');
    }
    if (ready.device !== params.device) return this.fail('attestation_malformed', `The node ran on ${ready.device}, not ${params.device}.`);
    if (params.device === 'cuda') {
      for (const gpu of ready.gpus) {
        if (gpu.model === null || !sameModel(gpu.model, leased.gpuModel)) {
          return this.fail('attestation_gpu_mismatch', `GPU ${gpu.uuid} is a ${gpu.model ?? 'GPU of unknown model'}, not the leased ${leased.gpuModel}.`);
        }
        if (gpu.memoryMiB === null || gpu.memoryMiB < leased.vramMiB * MEMORY_TOLERANCE) {
          return this.fail('attestation_memory_short', `GPU ${gpu.uuid} has ${gpu.memoryMiB ?? 'an unknown amount of'} MiB of memory, not the leased ${leased.vramMiB} MiB.`);
        }
      }
    }
    return null;
  }

  /** The commitment arrived `elapsedMs` after the challenge left: the rows to open, or why it failed. */
  onCommit(commit: NodeCommit, elapsedMs: number): { open: AttestationOpen } | { outcome: AttestationOutcome } {
    const { params } = this.o;
    this.elapsedMs = elapsedMs;
    if (elapsedMs > params.deadlineMs) {
      return { outcome: this.fail('attestation_late', `The node committed after ${formatSeconds(elapsedMs)}; a ${params.gpuClass.name} must answer within ${formatSeconds(params.deadlineMs)} (an honest one needs about ${formatSeconds(params.estimateMs)}).`) };
    }
    if (commit.rows !== params.rows) {
      return { outcome: this.fail('attestation_malformed', `The node committed to ${commit.rows} rows; the challenge has ${params.rows}.`) };
    }
    const wantedBytes = params.workingSetBytesPerGpu * params.gpuCount;
    if (commit.heldBytes < wantedBytes) {
      return { outcome: this.fail('attestation_memory_short', `The node held ${formatGiB(commit.heldBytes)} of the ${formatGiB(wantedBytes)} working set its claimed ${this.o.leased.vramMiB} MiB per GPU must hold.`) };
    }
    this.commit = commit;
    this.opened = pickRows(params.rows, params.k, this.o.randomU32);
    return { open: { type: 'open', rows: [...this.opened] } };
  }

  /** Checks every opened row against the commitment and the seed. */
  onOpening(opening: NodeOpening): AttestationOutcome {
    const { params, sha256 } = this.o;
    const commit = this.commit;
    if (!commit) return this.fail('attestation_malformed', 'The node opened rows before it committed.');
    const root = fromHex(commit.root)!;
    const byRow = new Map(opening.rows.map((r) => [r.row, r]));
    const baseA = matrixBase(this.seed, MATRIX_A);
    const br = this.bTimesR();
    const leafCount = Math.ceil(params.rows / params.groupRows);
    const aRow = new Int32Array(params.n);
    for (const row of this.opened) {
      const opened = byRow.get(row);
      if (!opened || opened.values.length !== params.n) return this.fail('attestation_malformed', `The node did not open row ${row} in full.`);
      const group = Math.floor(row / params.groupRows);
      const groupSize = Math.min(params.groupRows, params.rows - group * params.groupRows);
      const digests = fromHex(opened.groupDigests);
      if (!digests || digests.length !== groupSize * ROW_DIGEST_BYTES) return this.fail('attestation_malformed', `The node sent a malformed group for row ${row}.`);
      const offset = (row - group * params.groupRows) * ROW_DIGEST_BYTES;
      const committedLeaf = leafHash(sha256, digests);
      const path = opened.path.map((h) => fromHex(h)!);
      if (!equalBytes(rowDigest(opened.values), digests.subarray(offset, offset + ROW_DIGEST_BYTES)) || !verifyMerklePath(sha256, committedLeaf, group, leafCount, path, root)) {
        return this.fail('attestation_bad_commitment', `Row ${row} does not match the node's commitment: it committed before it computed the product (or changed its answer).`);
      }
      matrixRow(baseA, row, params.n, aRow);
      let expected = 0;
      let got = 0;
      for (let j = 0; j < params.n; j++) {
        expected += aRow[j]! * br[j]!;
        got += opened.values[j]! * this.r[j]!;
      }
      if (expected !== got) return this.fail('attestation_wrong_row', `Row ${row} of the product is wrong: the node did not multiply the challenge's matrices.`);
    }
    const label = this.simulated ? 'Simulated on the Sandbox (computed in the supplier\u2019s app, not a proof of its GPUs)' : 'Passed';
    return { passed: true, reason: null, message: `${label}: ${params.k} rows of a ${params.rows}×${params.n} product checked, committed in ${formatSeconds(this.elapsedMs ?? 0)} (deadline ${formatSeconds(params.deadlineMs)}).`, elapsedMs: this.elapsedMs, deadlineMs: params.deadlineMs, simulated: this.simulated };
  }

  /** A failure of this attestation, with its plain words. */
  fail(reason: AttestationReason, message: string): AttestationOutcome {
    return { passed: false, reason, message, elapsedMs: this.elapsedMs, deadlineMs: this.o.params.deadlineMs, simulated: this.simulated };
  }

  /** B·r: the verifier's one O(n²) step (B is generated from the seed row by row). */
  private bTimesR(): Float64Array {
    const { n } = this.o.params;
    const baseB = matrixBase(this.seed, MATRIX_B);
    const out = new Float64Array(n);
    const row = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      matrixRow(baseB, i, n, row);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += row[j]! * this.r[j]!;
      out[i] = sum;
    }
    return out;
  }
}

/** k distinct rows of [0, rows), uniformly (fewer when there are fewer rows). */
export function pickRows(rows: number, k: number, randomU32: () => number): number[] {
  const chosen = new Set<number>();
  const want = Math.min(k, rows);
  for (let tries = 0; chosen.size < want && tries < want * 64; tries++) chosen.add(Math.floor(((randomU32() >>> 0) / 2 ** 32) * rows));
  return [...chosen].sort((a, b) => a - b);
}

function sameModel(seen: string, leased: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/^nvidia\s+|^amd\s+/, '').replace(/\s+/g, ' ').trim();
  return norm(seen) === norm(leased) || norm(seen).includes(norm(leased)) || norm(leased).includes(norm(seen));
}

function describeGpus(gpus: readonly SeenGpu[]): string {
  return gpus.length === 0 ? 'no GPU' : gpus.map((g) => g.uuid).join(', ');
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatGiB(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
