import type { JobSpec } from '../../common/worker/job-spec';
import { jobSpecSchema } from '../../common/worker/job-spec';

/**
 * "Run a test job": the probe image, this machine's NVIDIA GPUs, tight limits and a
 * short life. It goes through exactly the path a renter's job takes (pull, hardened
 * container, lease network, scratch volume, logs, removal), so success means a real
 * job would run here too.
 */
export function testJobSpec(image: string, gpuUuids: string[], nowMs: number): JobSpec {
  const id = `test-${nowMs.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return jobSpecSchema.parse({
    jobId: id,
    leaseId: id,
    image,
    command: [
      'sh',
      '-c',
      'echo "Idlegrid test job running in $(hostname)"; ' +
        'echo "GPUs given to this job: ${NVIDIA_VISIBLE_DEVICES:-none}"; ' +
        'echo ok > /scratch/check && echo "scratch volume writable"',
    ],
    gpuUuids,
    cpuCores: 0.5,
    memoryLimitMb: 64,
    tmpSizeMb: 8,
    scratchSizeMb: 16,
    maxDurationMs: 120_000,
    stopGraceMs: 1_000,
  });
}
