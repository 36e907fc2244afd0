import { describe, expect, it } from 'vitest';
import { sha256 } from '../testing/sha256';
import { attestationHold, attestationParams } from './attestation-params';
import type { AttestationParams } from './attestation-params';
import { InProcessProver } from './attestation-prover';
import { AttestationVerifier } from './attestation-verifier';
import type { LeasedGpus } from './attestation-verifier';
import type { NodeOpening } from './attestation-wire';
import { merklePath, merkleRoot, toHex, verifyMerklePath } from './merkle';
import { entryOf, matrixRow, mix32, rowKey } from './seeded-matrix';

// A small deterministic random source: the tests must fail the same way every run.
function seededRandom(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = mix32((x + 0x9e3779b9) >>> 0));
}

const leased: LeasedGpus = { gpuUuids: ['GPU-aaaa'], gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 4096 };

function setup(overrides: Partial<AttestationParams> = {}) {
  const params = { ...attestationParams({ gpuModel: leased.gpuModel, vramMiB: leased.vramMiB, gpuCount: 1 }, 'cpu'), ...overrides };
  const verifier = new AttestationVerifier({ sha256, randomU32: seededRandom(7), params, leased });
  const challenge = verifier.challenge();
  const prover = new InProcessProver(sha256, challenge, 1);
  return { params, verifier, challenge, prover };
}

function commitAndOpen(s: ReturnType<typeof setup>, elapsedMs = 10) {
  const commit = s.prover.commit(0, () => 0);
  const step = s.verifier.onCommit(commit, elapsedMs);
  if (!('open' in step)) throw new Error(`expected rows to open, got ${step.outcome.reason}`);
  return { commit, open: step.open };
}

describe('attestation protocol', () => {
  it('sizes the challenge from the claim: the product fills the working set and the deadline follows the class', () => {
    const gpu = attestationParams({ gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, gpuCount: 2 }, 'cuda');
    expect(gpu.gpuClass.name).toBe('RTX 4090');
    expect(gpu.n).toBe(8192);
    expect(gpu.workingSetBytesPerGpu).toBeLessThanOrEqual(24_564 * 1024 * 1024 * 0.75);
    expect(gpu.workingSetBytesPerGpu).toBeGreaterThan(24_564 * 1024 * 1024 * 0.7);
    expect(gpu.rows).toBe(2 * gpu.blocksPerGpu * 8192);
    expect(gpu.deadlineMs).toBeGreaterThan(2 * gpu.estimateMs);
    const cpu = attestationParams({ gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, gpuCount: 1 }, 'cpu');
    expect(cpu.gpuClass.name).toBe('CPU (sandbox)');
    expect(cpu.n).toBe(256);
    const hold = attestationHold(gpu);
    expect(hold.totalMs).toBe(hold.pullMs + hold.readyMs + gpu.deadlineMs + hold.openingMs + hold.paymentMs);
    expect(hold.totalMs).toBeGreaterThan(10 * 60_000);
  });

  it('seeded entries are small integers in [-3, 3], the same for the same seed', () => {
    const row = matrixRow(12345, 3, 512);
    expect(Math.max(...row)).toBeLessThanOrEqual(3);
    expect(Math.min(...row)).toBeGreaterThanOrEqual(-3);
    expect(new Set(row).size).toBe(7);
    expect(entryOf(rowKey(12345, 3), 10)).toBe(row[10]);
  });

  it('Merkle paths verify for every leaf of odd and even trees, and not for another leaf', () => {
    for (const count of [1, 2, 3, 5, 8, 13]) {
      const leaves = Array.from({ length: count }, (_, i) => sha256(new Uint8Array([i])));
      const root = merkleRoot(sha256, leaves);
      for (let i = 0; i < count; i++) {
        const path = merklePath(sha256, leaves, i);
        expect(verifyMerklePath(sha256, leaves[i]!, i, count, path, root)).toBe(true);
        if (count > 1) expect(verifyMerklePath(sha256, leaves[(i + 1) % count]!, i, count, path, root)).toBe(false);
      }
    }
  });

  it('an honest node passes', () => {
    const s = setup();
    const { open } = commitAndOpen(s);
    expect(open.rows.length).toBe(s.params.k);
    const outcome = s.verifier.onOpening(s.prover.open(open));
    expect(outcome).toMatchObject({ passed: true, reason: null });
  });

  it('a late commitment fails as attestation_late', () => {
    const s = setup();
    const commit = s.prover.commit(0, () => 0);
    const step = s.verifier.onCommit(commit, s.params.deadlineMs + 1);
    expect('outcome' in step && step.outcome).toMatchObject({ passed: false, reason: 'attestation_late' });
  });

  it('a wrong row fails as attestation_wrong_row even when it matches the commitment', () => {
    const s = setup();
    // A node whose "GPU" gets one entry of every row wrong, and commits to its wrong rows.
    const productRow = s.prover.productRow.bind(s.prover);
    s.prover.productRow = (i, b, out) => {
      productRow(i, b, out);
      out[5]! += 1;
      return out;
    };
    const { open } = commitAndOpen(s);
    const outcome = s.verifier.onOpening(s.prover.open(open));
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_wrong_row' });
  });

  it('committing before computing fails as attestation_bad_commitment', () => {
    const s = setup();
    const real = s.prover.commit(0, () => 0);
    // The node sends a root it made up, then computes only the rows it is asked for.
    const bogus = { ...real, root: toHex(sha256(new TextEncoder().encode('no work'))) };
    const step = s.verifier.onCommit(bogus, 5);
    if (!('open' in step)) throw new Error('expected rows to open');
    const outcome = s.verifier.onOpening(s.prover.open(step.open));
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_bad_commitment' });
  });

  it('an opening with a row swapped for another fails', () => {
    const s = setup();
    const { open } = commitAndOpen(s);
    const opening = s.prover.open(open);
    const swapped: NodeOpening = { ...opening, rows: opening.rows.map((r, i) => ({ ...r, values: opening.rows[(i + 1) % opening.rows.length]!.values })) };
    expect(s.verifier.onOpening(swapped).passed).toBe(false);
  });

  it('holding less than the working set fails as attestation_memory_short', () => {
    const s = setup();
    const commit = s.prover.commit(0, () => 0);
    const step = s.verifier.onCommit({ ...commit, heldBytes: commit.heldBytes - 1 }, 5);
    expect('outcome' in step && step.outcome).toMatchObject({ passed: false, reason: 'attestation_memory_short' });
  });

  it('a container that sees other GPUs than the leased ones fails as attestation_gpu_mismatch', () => {
    const s = setup();
    expect(s.verifier.checkReady({ type: 'ready', device: 'cpu', gpus: [{ uuid: 'GPU-aaaa', model: null, memoryMiB: null }], torch: 'x' })).toBeNull();
    expect(s.verifier.checkReady({ type: 'ready', device: 'cpu', gpus: [{ uuid: 'GPU-bbbb', model: null, memoryMiB: null }], torch: 'x' })).toMatchObject({ reason: 'attestation_gpu_mismatch' });
    expect(s.verifier.checkReady({ type: 'ready', device: 'cpu', gpus: [], torch: 'x' })).toMatchObject({ reason: 'attestation_gpu_mismatch' });
  });

  it('on GPUs the model and memory the container reports must match the lease', () => {
    const params = attestationParams({ gpuModel: leased.gpuModel, vramMiB: 24_564, gpuCount: 1 }, 'cuda');
    const verifier = new AttestationVerifier({ sha256, randomU32: seededRandom(1), params, leased: { ...leased, vramMiB: 24_564 } });
    const ready = (model: string, memoryMiB: number) => ({ type: 'ready' as const, device: 'cuda' as const, gpus: [{ uuid: 'GPU-aaaa', model, memoryMiB }], torch: 'x' });
    expect(verifier.checkReady(ready('NVIDIA GeForce RTX 4090', 24_564))).toBeNull();
    expect(verifier.checkReady(ready('NVIDIA GeForce RTX 3060', 24_564))).toMatchObject({ reason: 'attestation_gpu_mismatch' });
    expect(verifier.checkReady(ready('NVIDIA GeForce RTX 4090', 12_288))).toMatchObject({ reason: 'attestation_memory_short' });
  });
});

describe('the Sandbox stand-in (in-process prover)', () => {
  it('passes on the Sandbox, labelled as not a proof, and is refused on a real grid', async () => {
    const { InProcessAttestationChannel } = await import('./in-process-channel');
    const { attestNode } = await import('./attestation-session');
    const pause = () => new Promise<void>((r) => setTimeout(r, 0));
    const params = attestationParams({ gpuModel: leased.gpuModel, vramMiB: 2048, gpuCount: 1 }, 'cpu');
    const sandbox = await attestNode(
      new InProcessAttestationChannel({ sha256, nowMs: () => Date.now(), pause }, leased.gpuUuids),
      new AttestationVerifier({ sha256, randomU32: seededRandom(3), params, leased }),
      () => Date.now(),
      params.deadlineMs,
    );
    expect(sandbox).toMatchObject({ passed: true, simulated: true });
    expect(sandbox.message).toMatch(/not a proof/);

    const real = attestationParams({ gpuModel: leased.gpuModel, vramMiB: 2048, gpuCount: 1 }, 'cuda');
    const refused = await attestNode(
      new InProcessAttestationChannel({ sha256, nowMs: () => Date.now(), pause }, leased.gpuUuids),
      new AttestationVerifier({ sha256, randomU32: seededRandom(3), params: real, leased }),
      () => Date.now(),
      real.deadlineMs,
    );
    // The stand-in says it runs on the CPU: a real grid's challenge is for 'cuda'.
    expect(refused).toMatchObject({ passed: false, reason: 'attestation_failed' });
    expect(refused.message).toMatch(/simulated/);
  });
});
