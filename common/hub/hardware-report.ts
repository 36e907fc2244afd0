import type { HardwareSnapshot } from '../hardware/detection';
import type { WorkerHardware } from './market-types';

/**
 * What a worker tells the hub about its machine, made from the app's hardware detection:
 * each GPU's stable id (UUID), model and memory, plus the host's CPU, RAM and OS. Nothing
 * else leaves the machine (no hostname, no disks, no processes). A GPU that is not lendable, without a UUID or
 * without a memory size cannot be leased safely and is left out.
 */
export function workerHardwareFrom(snapshot: HardwareSnapshot): WorkerHardware {
  const host = snapshot.host;
  return {
    gpus: snapshot.gpus
      .filter((g) => g.lendable && g.uuid.length > 0 && g.vramTotalMiB !== null && g.vramTotalMiB > 0)
      .slice(0, 64)
      .map((g) => ({ uuid: g.uuid.slice(0, 96), model: g.name.slice(0, 96), vramMiB: Math.round(g.vramTotalMiB!), index: g.index })),
    ...(host
      ? { cpuModel: host.cpuModel.slice(0, 128), cpuCores: host.cpuCores, ramMiB: Math.round(host.ramTotalBytes / 1_048_576), os: host.os.slice(0, 128) }
      : {}),
  };
}
