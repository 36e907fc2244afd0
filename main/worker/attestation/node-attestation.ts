import { createHash } from 'node:crypto';
import { attestationParams } from '../../../common/attestation/attestation-params';
import type { AttestationClaim } from '../../../common/attestation/attestation-params';
import { AttestationChannelError } from '../../../common/attestation/attestation-session';
import type { AttestationChannel } from '../../../common/attestation/attestation-session';
import { InProcessAttestationChannel } from '../../../common/attestation/in-process-channel';
import type { Logger } from '../../../common/logger';
import { errorText } from '../../../common/errors';
import type { ContainerGpuDevices } from '../../hardware/vendors';
import type { ContainerEngine } from '../container-engine';
import { AttestationContainer } from './attestation-container';

export interface NodeAttestationDeps {
  engine: ContainerEngine;
  gpuDevices: (gpuUuids: readonly string[]) => ContainerGpuDevices;
  logger: Logger;
  /** The attestation image (python3 + torch). */
  image: string;
  /** The Sandbox (fake money) may fall back to the in-process stand-in; a real grid may not. */
  sandbox: boolean;
}

export interface NodeAttestationLease extends AttestationClaim {
  leaseId: string;
  rank: number;
  gpuUuids: readonly string[];
}

/** A node's side of one attestation, ready for the verifier's messages. */
export interface NodeAttestation {
  channel: AttestationChannel;
  prover: 'container' | 'in-process';
  dispose(): Promise<void>;
}

/**
 * Starts this machine's side of a lease's attestation while the lease is reserved: the
 * attestation container on exactly the leased GPUs (device `cuda` on real grids, `cpu` on
 * the Sandbox), pulling its image when missing. On the Sandbox without the image (a
 * newcomer with Docker but no torch image) it answers in-process instead, labelled as not a
 * proof; on a real grid a missing image that cannot be pulled is an `attestation_failed`.
 */
export async function startNodeAttestation(deps: NodeAttestationDeps, lease: NodeAttestationLease): Promise<NodeAttestation> {
  const device = deps.sandbox ? 'cpu' : 'cuda';
  const params = attestationParams(lease, device);
  if (!(await deps.engine.hasImage(deps.image))) {
    if (deps.sandbox) {
      deps.logger.info({ leaseId: lease.leaseId, image: deps.image }, 'attestation image absent: the Sandbox answers in-process (not a proof)');
      const channel = new InProcessAttestationChannel(
        { sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()), nowMs: () => performance.now(), pause: () => new Promise((r) => setImmediate(r)) },
        lease.gpuUuids,
      );
      return { channel, prover: 'in-process', dispose: async () => channel.dispose() };
    }
    try {
      await deps.engine.pullImage(deps.image, () => undefined);
    } catch (error) {
      throw new AttestationChannelError('attestation_failed', `This machine could not pull the attestation image ${deps.image}: ${errorText(error)}`);
    }
  }
  const container = await AttestationContainer.start(
    deps.engine,
    {
      leaseId: lease.leaseId,
      rank: lease.rank,
      image: deps.image,
      device,
      gpuUuids: lease.gpuUuids,
      gpus: deps.gpuDevices(lease.gpuUuids),
      // On GPUs the product lives in device memory; on the CPU it is the container's own.
      hostWorkingSetBytes: device === 'cpu' ? params.workingSetBytesPerGpu * params.gpuCount : 0,
    },
    deps.logger,
  );
  return { channel: container, prover: 'container', dispose: () => container.dispose() };
}
