import { createHash, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationParams } from '../../../common/attestation/attestation-params';
import type { AttestationParams } from '../../../common/attestation/attestation-params';
import { attestNode } from '../../../common/attestation/attestation-session';
import { AttestationVerifier } from '../../../common/attestation/attestation-verifier';
import type { LeasedGpus } from '../../../common/attestation/attestation-verifier';
import { loadTorchImage, torchImageTarball } from '../../../scripts/images/torch-image.mjs';
import { DockerEngine } from '../docker-engine';
import { parseDockerHost } from '../docker-endpoint';
import { dockerSkipReason, dockerTestEnv } from '../test-support/docker-test-support';
import { AttestationContainer } from './attestation-container';
import { attestScript } from './attest-script';

// Integration: attest.py (PyTorch on the CPU) in a real container on the test dockerd,
// given its "GPUs" by the NVIDIA hook recorder, checked by the verifier the renter runs.
const tarball = torchImageTarball();
const skipReason = dockerSkipReason ?? (existsSync(tarball) ? null : `the torch image is not built (${tarball}): run node scripts/images/torch-image.mjs build`);
if (skipReason) console.warn(`[skip] attestation in a container: ${skipReason}`);

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const randomU32 = () => randomInt(0, 2 ** 32 - 1);
const GPU = 'GPU-5ba4f9a8-1d6b-4a3c-9f0e-6a1b2c3d4e5f';
const leased: LeasedGpus = { gpuUuids: [GPU], gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 };
const gpusOf = (uuids: readonly string[]) => ({ deviceRequests: [{ Driver: 'nvidia', DeviceIDs: [...uuids], Capabilities: [['gpu']] }], devices: [] });

describe.skipIf(skipReason !== null)('attestation in a container (torch on the CPU)', () => {
  let engine: DockerEngine;
  let image: string;
  const started: AttestationContainer[] = [];

  beforeAll(async () => {
    engine = new DockerEngine(parseDockerHost(dockerTestEnv.dockerHost));
    const loaded = loadTorchImage({ dockerHost: dockerTestEnv.dockerHost });
    image = loaded.ref;
    console.log(`[attest] torch image loaded into the test dockerd in ${loaded.loadMs} ms`);
  }, 300_000);

  afterAll(async () => {
    for (const c of started) await c.dispose();
    const left = await engine.listContainers({ 'io.idlegrid.attestation': 'test' });
    expect(left).toEqual([]);
  });

  async function attest(options: { params?: Partial<AttestationParams>; script?: string; givenGpus?: string[]; leasedGpus?: string[]; memoryLimitBytes?: number; vramMiB?: number } = {}) {
    const claim = { ...leased, vramMiB: options.vramMiB ?? leased.vramMiB, gpuUuids: options.leasedGpus ?? leased.gpuUuids };
    const params = { ...attestationParams({ gpuModel: claim.gpuModel, vramMiB: claim.vramMiB, gpuCount: claim.gpuUuids.length }, 'cpu'), ...options.params };
    const container = await AttestationContainer.start(engine, {
      leaseId: 'test',
      rank: started.length,
      image,
      device: 'cpu',
      gpuUuids: options.givenGpus ?? claim.gpuUuids,
      gpus: gpusOf(options.givenGpus ?? claim.gpuUuids),
      hostWorkingSetBytes: params.workingSetBytesPerGpu,
      ...(options.memoryLimitBytes ? { memoryLimitBytes: options.memoryLimitBytes } : {}),
      ...(options.script ? { script: options.script } : {}),
    });
    started.push(container);
    const verifier = new AttestationVerifier({ sha256, randomU32, params, leased: claim });
    const outcome = await attestNode(container, verifier, () => performance.now(), params.deadlineMs, { readyMs: 240_000, openingMs: 60_000 });
    await container.dispose();
    return outcome;
  }

  it('an honest CPU node passes: torch and the TypeScript verifier agree on every integer', async () => {
    const outcome = await attest();
    expect(outcome.message).toMatch(/^Passed/);
    expect(outcome).toMatchObject({ passed: true, reason: null });
    expect(outcome.elapsedMs).toBeLessThan(outcome.deadlineMs);
  }, 360_000);

  it('an honest node with two GPUs passes: on the CPU each leased GPU gets its share of rows', async () => {
    // The verifier expects every GPU's rows; a CPU container that computed one share failed
    // "committed to N rows; the challenge has 2N".
    const outcome = await attest({ leasedGpus: [GPU, 'GPU-0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'] });
    expect(outcome.message).toMatch(/^Passed/);
    expect(outcome).toMatchObject({ passed: true, reason: null });
  }, 360_000);

  it('a node that answers late fails as attestation_late', async () => {
    const script = patch(await attestScript(), '    held = sum(', '    time.sleep(4)\n    held = sum(');
    const outcome = await attest({ script, params: { deadlineMs: 2_000 } });
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_late' });
    expect(outcome.message).toMatch(/did not commit within|committed after/);
  }, 360_000);

  it('a node whose product is wrong (consistently committed) fails as attestation_wrong_row', async () => {
    const script = patch(await attestScript(), 'torch.matmul(a, factors[g], out=out)\n', 'torch.matmul(a, factors[g], out=out)\n                    out[:, 7] += 1\n');
    const outcome = await attest({ script });
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_wrong_row' });
  }, 360_000);

  it('a node that commits before computing fails as attestation_bad_commitment', async () => {
    const script = patch(await attestScript(), '"root": levels[-1][0].hex(),', '"root": "ab" * 32,');
    const outcome = await attest({ script });
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_bad_commitment' });
  }, 360_000);

  it('a node claiming more memory than it holds fails as attestation_memory_short', async () => {
    // 2 TiB claimed → a 409 MiB product on the sandbox's scale (1/4096), in a 320 MiB container.
    const outcome = await attest({ vramMiB: 2 * 1024 * 1024, memoryLimitBytes: 320 * 1024 * 1024 });
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_memory_short' });
  }, 360_000);

  it('a container given other GPUs than the leased ones fails as attestation_gpu_mismatch', async () => {
    const outcome = await attest({ givenGpus: ['GPU-00000000-0000-0000-0000-000000000000'] });
    expect(outcome).toMatchObject({ passed: false, reason: 'attestation_gpu_mismatch' });
    expect(outcome.message).toContain('GPU-00000000');
  }, 360_000);
});

/** The real script with one change (a dishonest node); fails loudly if the anchor moved. */
function patch(script: string, anchor: string, replacement: string): string {
  if (!script.includes(anchor)) throw new Error(`attest.py no longer contains ${JSON.stringify(anchor)}`);
  return script.replace(anchor, replacement);
}
