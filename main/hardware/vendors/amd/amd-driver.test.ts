import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecFileRunner } from '../../command-runner';
import { replayEnv } from '../../nvidia-smi-replay';
import { containerGpuDevices, createGpuVendorDrivers } from '..';
import { AmdDriver } from './amd-driver';
import { makeAmdMachine } from './test-support/amd-machine';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-amd-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function detect(driver: AmdDriver) {
  const runner = new ExecFileRunner({ env: replayEnv() });
  return driver.detect((command, args) => runner.run(command, args, { timeoutMs: 10_000 }));
}

describe('AmdDriver on the replayed 4× MI100 machine', () => {
  it('lends a GPU only when its render node is found through its PCI bus id', async () => {
    const { gpus, status } = await detect(new AmdDriver(makeAmdMachine(dir)));
    expect(status.state).toBe('ok');
    expect(gpus.map((g) => [g.busId, g.lendable])).toEqual([
      ['0000:83:00.0', true],
      ['0000:A3:00.0', true], // rocm-smi spells the bus in capitals; sysfs in lower case
      ['0000:C3:00.0', true],
      ['0000:E3:00.0', false], // no DRM node: nothing to hand to a container
    ]);
  });

  it('a machine without the sysfs entries lends none of them', async () => {
    const { gpus } = await detect(new AmdDriver({ sysfsRoot: join(dir, 'nothing'), devRoot: '/dev' }));
    expect(gpus).toHaveLength(4);
    expect(gpus.every((g) => !g.lendable)).toBe(true);
  });

  it('hands a container /dev/kfd and exactly the GPUs\' own render nodes, and no device request', async () => {
    const paths = makeAmdMachine(dir);
    const driver = new AmdDriver(paths);
    const { gpus } = await detect(driver);
    expect(driver.containerDevices([gpus[0]!, gpus[1]!])).toEqual({
      deviceRequests: [],
      devices: [
        { PathOnHost: join(paths.devRoot, 'kfd'), PathInContainer: '/dev/kfd', CgroupPermissions: 'rw' },
        // card0 is renderD129 and card1 renderD128 on this machine: the bus id decides, not the card number.
        { PathOnHost: join(paths.devRoot, 'dri', 'renderD129'), PathInContainer: '/dev/dri/renderD129', CgroupPermissions: 'rw' },
        { PathOnHost: join(paths.devRoot, 'dri', 'renderD128'), PathInContainer: '/dev/dri/renderD128', CgroupPermissions: 'rw' },
      ],
    });
    expect(() => driver.containerDevices([gpus[3]!])).toThrow(/0x1b9dd972253c3736 \(PCI 0000:E3:00.0\) has no render node/);
  });

  it('mixes vendors by id through the registry, and refuses ids that were not detected or cannot be lent', async () => {
    const drivers = createGpuVendorDrivers({ amdDevicePaths: makeAmdMachine(dir) });
    const { gpus: amd } = await detect(drivers[1] as AmdDriver);
    const nvidia = { ...amd[0]!, vendor: 'nvidia' as const, uuid: 'GPU-1', busId: '00000000:01:00.0' };
    const detected = [nvidia, ...amd];
    const mixed = containerGpuDevices(drivers, detected, ['GPU-1', amd[2]!.uuid]);
    expect(mixed.deviceRequests).toEqual([{ Driver: 'nvidia', DeviceIDs: ['GPU-1'], Capabilities: [['gpu', 'compute', 'utility']] }]);
    expect(mixed.devices.map((d) => d.PathInContainer)).toEqual(['/dev/kfd', '/dev/dri/renderD130']);
    expect(() => containerGpuDevices(drivers, detected, ['GPU-404'])).toThrow(/GPU-404 is not on this machine/);
    expect(() => containerGpuDevices(drivers, detected, [amd[3]!.uuid])).toThrow(/cannot be handed to a container/);
  });
});
