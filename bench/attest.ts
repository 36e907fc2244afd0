import { createHash } from 'node:crypto';
import { attestationParams, honestEstimateMs } from '../common/attestation/attestation-params';
import type { AttestationParams } from '../common/attestation/attestation-params';
import { AttestationVerifier } from '../common/attestation/attestation-verifier';
import type { LeasedGpus } from '../common/attestation/attestation-verifier';
import type { AttestationChallenge, NodeOpening } from '../common/attestation/attestation-wire';
import { leafHash, merklePath, merkleRoot, toHex } from '../common/attestation/merkle';
import { ROW_DIGEST_BYTES, rowDigest } from '../common/attestation/row-digest';
import { MATRIX_A, MATRIX_B, matrixBase, matrixRow, mix32 } from '../common/attestation/seeded-matrix';

// `npm run bench -- attest`: the verifier's CPU time per attestation at the production n
// and k (the renter's app verifies every node before paying), against a naive verifier
// that recomputes each opened row in full (k·n² instead of n² + k·n) in the same run; and
// the honest-GPU margin from the catalog: deadline ÷ the honest estimate for each model,
// and how many times the deadline a fast server CPU would need for the same challenge.
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const leased: LeasedGpus = { gpuUuids: ['GPU-bench'], gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 };

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = mix32((x + 0x9e3779b9) >>> 0));
}

/** The opened rows of A·B, computed by streaming B once (what a node's GPU would hold). */
function productRows(challenge: AttestationChallenge, rows: number[]): Int32Array[] {
  const { n } = challenge;
  const baseA = matrixBase(challenge.seed, MATRIX_A);
  const baseB = matrixBase(challenge.seed, MATRIX_B);
  const a = rows.map((r) => matrixRow(baseA, r, n));
  const out = rows.map(() => new Int32Array(n));
  const bRow = new Int32Array(n);
  for (let l = 0; l < n; l++) {
    matrixRow(baseB, l, n, bRow);
    for (let r = 0; r < rows.length; r++) {
      const v = a[r]![l]!;
      if (v === 0) continue;
      const o = out[r]!;
      for (let j = 0; j < n; j++) o[j]! += v * bRow[j]!;
    }
  }
  return out;
}

/** An honest node's commitment and opening for exactly these rows (other groups' digests are filler: they are never opened). */
function honestAnswer(params: AttestationParams, challenge: AttestationChallenge, rows: number[]) {
  const values = productRows(challenge, rows);
  const leafCount = Math.ceil(params.rows / params.groupRows);
  const groups = new Map<number, Uint8Array>();
  rows.forEach((row, i) => {
    const g = Math.floor(row / params.groupRows);
    const digests = groups.get(g) ?? new Uint8Array(Math.min(params.groupRows, params.rows - g * params.groupRows) * ROW_DIGEST_BYTES).fill(7);
    digests.set(rowDigest(values[i]!), (row - g * params.groupRows) * ROW_DIGEST_BYTES);
    groups.set(g, digests);
  });
  const filler = sha256(new Uint8Array([1]));
  const leaves = Array.from({ length: leafCount }, (_, g) => (groups.has(g) ? leafHash(sha256, groups.get(g)!) : filler));
  const root = merkleRoot(sha256, leaves);
  const opening: NodeOpening = {
    type: 'opening',
    rows: rows.map((row, i) => {
      const g = Math.floor(row / params.groupRows);
      return { row, values: Array.from(values[i]!), groupDigests: toHex(groups.get(g)!), path: merklePath(sha256, leaves, g).map(toHex) };
    }),
  };
  return { commit: { type: 'commit' as const, root: toHex(root), rows: params.rows, heldBytes: params.workingSetBytesPerGpu, computeMs: 1 }, opening, values };
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const params = attestationParams({ gpuModel: leased.gpuModel, vramMiB: leased.vramMiB, gpuCount: 1 }, 'cuda');
const verifierMs: number[] = [];
const naiveMs: number[] = [];
for (let run = 0; run < runs; run++) {
  // A first verifier with the same random source tells which rows will be asked, so the
  // "node" can answer them without computing a 24 GiB product in JavaScript.
  const probe = new AttestationVerifier({ sha256, randomU32: seeded(run + 1), params, leased });
  const probeStep = probe.onCommit({ type: 'commit', root: '00'.repeat(32), rows: params.rows, heldBytes: params.workingSetBytesPerGpu, computeMs: 1 }, 1);
  if (!('open' in probeStep)) throw new Error('probe did not open rows');
  const answer = honestAnswer(params, probe.challenge(), probeStep.open.rows);

  const start = process.cpuUsage();
  const verifier = new AttestationVerifier({ sha256, randomU32: seeded(run + 1), params, leased });
  verifier.challenge();
  const step = verifier.onCommit(answer.commit, 1);
  if (!('open' in step)) throw new Error('no rows to open');
  const outcome = verifier.onOpening(answer.opening);
  verifierMs.push(cpuMs(start));
  if (!outcome.passed) throw new Error(`the honest answer failed: ${outcome.message}`);

  const naiveStart = process.cpuUsage();
  const recomputed = productRows(probe.challenge(), step.open.rows);
  if (recomputed.some((row, i) => row.some((v, j) => v !== answer.values[i]![j]))) throw new Error('naive mismatch');
  naiveMs.push(cpuMs(naiveStart));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Margins per catalog model at its common memory size.
const models: Array<[string, number]> = [
  ['NVIDIA H100 80GB HBM3', 81_559], ['NVIDIA H100 PCIe', 81_559], ['NVIDIA A100-SXM4-80GB', 81_920], ['NVIDIA A100-SXM4-40GB', 40_960],
  ['NVIDIA L40S', 46_068], ['NVIDIA A10', 23_028], ['NVIDIA GeForce RTX 4090', 24_564], ['NVIDIA GeForce RTX 3090', 24_576],
  ['NVIDIA GeForce RTX 3080', 10_240], ['Tesla V100S-PCIE-32GB', 32_768], ['Tesla V100-SXM2-16GB', 16_384], ['Tesla T4', 15_360], ['AMD Instinct MI100', 32_768],
];
// A fast server CPU (2 TFLOPS fp32, 200 GB/s) pretending to be the GPU.
const serverCpu = { name: 'server CPU', matmulGflops: 2_000, memoryMBps: 200_000 };
const table = models.map(([model, vramMiB]) => {
  const p = attestationParams({ gpuModel: model, vramMiB, gpuCount: 1 }, 'cuda');
  const cpuMsNeeded = honestEstimateMs(serverCpu, p.blocksPerGpu * p.n, p.n);
  return { model: p.gpuClass.name, honest_ms: Math.round(p.estimateMs), deadline_ms: p.deadlineMs, margin: +(p.deadlineMs / p.estimateMs).toFixed(2), cpu_cheat_ratio: +(cpuMsNeeded / p.deadlineMs).toFixed(1) };
});
for (const row of table) console.log(JSON.stringify(row));
const verifier = median(verifierMs);
const naive = median(naiveMs);
console.log(
  JSON.stringify({
    bench: 'attest',
    n: params.n,
    k: params.k,
    rows: params.rows,
    verifier_cpu_ms: Math.round(verifier),
    naive_verifier_cpu_ms: Math.round(naive),
    ratio: +(verifier / naive).toFixed(3),
    target_verifier_cpu_ms: 1000,
    honest_margin_min: Math.min(...table.map((t) => t.margin)),
    cpu_cheat_ratio_min: Math.min(...table.map((t) => t.cpu_cheat_ratio)),
  }),
);
