import { describe, expect, it } from 'vitest';
import { attestationHold, attestationParams } from '../common/attestation/attestation-params';
import { DEFAULT_HUB_TIMING } from './hub-server';

// GPUs as sold (model, memory): a claim far beyond a model's real memory fails the memory
// check anyway, so its hold is not what the default must cover.
const CARDS: Array<[string, number]> = [
  ['Tesla T4', 15_360],
  ['Tesla V100S-PCIE-32GB', 32_768],
  ['NVIDIA GeForce RTX 3090', 24_576],
  ['NVIDIA GeForce RTX 4090', 24_564],
  ['NVIDIA L40S', 46_068],
  ['NVIDIA A100-SXM4-80GB', 81_920],
  ['NVIDIA H100 80GB HBM3', 81_559],
  ['an unknown GPU', 49_152],
];

describe('hub timing defaults', () => {
  it('a reservation outlasts pull + every node\u2019s GPU check + the payment for the GPUs on the market', () => {
    for (const [gpuModel, vramMiB] of CARDS) {
      const hold = attestationHold(attestationParams({ gpuModel, vramMiB, gpuCount: 8 }, 'cuda'));
      expect(DEFAULT_HUB_TIMING.reservationTtlMs, `${gpuModel} with ${vramMiB} MiB`).toBeGreaterThanOrEqual(hold.totalMs);
    }
  });
});
