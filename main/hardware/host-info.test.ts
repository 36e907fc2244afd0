import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { readHostInfo } from './host-info';

// systeminformation reads this machine for real.
describe('readHostInfo', () => {
  it('describes this machine: CPU, memory, OS, disks', async () => {
    const host = await readHostInfo();
    expect(host).not.toBeNull();
    expect(host!.hostname).toBe(os.hostname());
    expect(host!.cpuCores).toBe(os.cpus().length);
    expect(host!.ramTotalBytes).toBe(os.totalmem());
    expect(host!.cpuModel.length).toBeGreaterThan(0);
    expect(host!.os.length).toBeGreaterThan(0);
    expect(host!.disks.some((d) => d.mount === '/' && d.sizeBytes > 0 && d.freeBytes >= 0)).toBe(true);
    for (const gpu of host!.otherGpus) expect(gpu.vramMiB === null || gpu.vramMiB > 0).toBe(true);
  });

  it('leaves graphics controllers out when asked (after nvidia-smi hung)', async () => {
    const host = await readHostInfo({ includeGraphics: false });
    expect(host).not.toBeNull();
    expect(host!.otherGpus).toEqual([]);
  });
});
