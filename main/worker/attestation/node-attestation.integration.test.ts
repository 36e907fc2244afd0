import { createHash, randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attestationParams } from '../../../common/attestation/attestation-params';
import { AttestationChannelError, attestNode } from '../../../common/attestation/attestation-session';
import { AttestationVerifier } from '../../../common/attestation/attestation-verifier';
import { silentLogger } from '../../../common/logger';
import { DockerEngine } from '../docker-engine';
import { parseDockerHost } from '../docker-endpoint';
import { describeWithDocker, dockerTestEnv } from '../test-support/docker-test-support';
import { startNodeAttestation } from './node-attestation';
import type { NodeAttestationDeps } from './node-attestation';

// Integration: what a supplier's machine starts for a reserved lease, on the test dockerd.
// The torch image is deliberately absent here (attestation-container.integration.test.ts
// runs the container itself).
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const lease = { leaseId: 'lease-node-attest', rank: 0, gpuUuids: ['GPU-11111111-2222-3333-4444-555555555555'], gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 2048, gpuCount: 1 };

describeWithDocker('a node starting its attestation', () => {
  let engine: DockerEngine;
  let deps: Omit<NodeAttestationDeps, 'sandbox' | 'image'>;

  beforeAll(() => {
    engine = new DockerEngine(parseDockerHost(dockerTestEnv.dockerHost));
    deps = { engine, logger: silentLogger, gpuDevices: (uuids) => ({ deviceRequests: [{ Driver: 'nvidia', DeviceIDs: [...uuids], Capabilities: [['gpu']] }], devices: [] }) };
  });
  afterAll(async () => {
    expect(await engine.listContainers({ 'io.idlegrid.attestation': lease.leaseId })).toEqual([]);
  });

  it('on the Sandbox without the attestation image, answers in-process and the verifier labels it not a proof', async () => {
    const node = await startNodeAttestation({ ...deps, sandbox: true, image: `${dockerTestEnv.registry}/idlegrid/no-such-torch:absent` }, lease);
    try {
      expect(node.prover).toBe('in-process');
      const params = attestationParams(lease, 'cpu');
      const verifier = new AttestationVerifier({ sha256, randomU32: () => randomInt(0, 2 ** 32 - 1), params, leased: lease });
      const outcome = await attestNode(node.channel, verifier, () => performance.now(), params.deadlineMs);
      expect(outcome).toMatchObject({ passed: true, simulated: true });
      expect(outcome.message).toMatch(/not a proof/);
    } finally {
      await node.dispose();
    }
  }, 120_000);

  it('on a real grid, an attestation image that cannot be pulled fails as attestation_failed, naming the image', async () => {
    const image = `${dockerTestEnv.registry}/idlegrid/no-such-torch:absent`;
    const started = startNodeAttestation({ ...deps, sandbox: false, image }, lease);
    await expect(started).rejects.toBeInstanceOf(AttestationChannelError);
    await expect(started).rejects.toMatchObject({ reason: 'attestation_failed' });
    await expect(started).rejects.toThrow(image);
  }, 120_000);
});
