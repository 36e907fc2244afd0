import os from 'node:os';
import si from 'systeminformation';
import type { Gpu } from '../../common/hardware/gpu';
import type { HostInfo } from '../../common/hardware/detection';
import { createGpuVendorDrivers, type GpuVendorDriver } from './vendors';

export interface HostInfoOptions {
  /**
   * Whether to list graphics controllers. systeminformation's graphics() runs
   * `nvidia-smi` with execFileSync and no timeout (plus lspci, dmidecode, clinfo), which
   * would freeze the whole main process if the driver hangs; the detector turns this off
   * when its own, time-limited nvidia-smi run did not answer.
   */
  includeGraphics?: boolean;
  /** Upper bound for the whole read; what has not answered by then is left out. */
  timeoutMs?: number;
}

type OtherGpu = HostInfo['otherGpus'][number];

/**
 * CPU, memory, OS, disks and graphics controllers from systeminformation. Never throws:
 * a part that fails falls back to Node's `os` module or is left empty, and the result is
 * null only when nothing at all could be read.
 */
export async function readHostInfo(options: HostInfoOptions = {}): Promise<HostInfo | null> {
  try {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const [cpu, mem, osInfo, disks, graphics] = await Promise.all([
      bounded(si.cpu(), timeoutMs),
      bounded(si.mem(), timeoutMs),
      bounded(si.osInfo(), timeoutMs),
      bounded(si.fsSize(), timeoutMs),
      options.includeGraphics === false ? Promise.resolve(null) : bounded(si.graphics(), timeoutMs),
    ]);
    if (!cpu && !mem && !osInfo && !disks && !graphics) return null;
    const nodeCpus = os.cpus();
    const cpuModel = cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : '';
    return {
      hostname: osInfo?.hostname || os.hostname(),
      os: osInfo ? `${osInfo.distro} ${osInfo.release}`.trim() || osInfo.platform : `${os.type()} ${os.release()}`,
      cpuModel: cpuModel || nodeCpus[0]?.model?.trim() || 'Unknown CPU',
      // Logical cores: what a container's CPU quota is counted in.
      cpuCores: cpu?.cores || nodeCpus.length,
      ramTotalBytes: mem?.total || os.totalmem(),
      disks: (disks ?? [])
        .filter((d) => d.size > 0 && d.rw !== false)
        .map((d) => ({ mount: d.mount, sizeBytes: d.size, freeBytes: d.available })),
      otherGpus: (graphics?.controllers ?? []).map((c) => ({
        vendor: c.vendor || 'Unknown vendor',
        model: c.model || 'Unknown model',
        vramMiB: typeof c.vram === 'number' && c.vram > 0 ? c.vram : null,
      })),
    };
  } catch {
    return null;
  }
}

/**
 * Drops the controllers that a vendor tool already reported, so each GPU is listed once:
 * for each vendor, as many of its controllers as the tool found GPUs. An NVIDIA card too
 * old for the installed driver still shows up as "other" when nvidia-smi lists fewer.
 */
export function otherGpusBesides(
  controllers: readonly OtherGpu[],
  reported: readonly Gpu[],
  drivers: readonly GpuVendorDriver[] = createGpuVendorDrivers(),
): OtherGpu[] {
  const left = new Map(drivers.map((d) => [d, reported.filter((g) => g.vendor === d.vendor).length]));
  return controllers.filter((c) => {
    const text = `${c.vendor} ${c.model}`.toLowerCase();
    const driver = drivers.find((d) => d.ownsController(text));
    if (driver && left.get(driver)! > 0) {
      left.set(driver, left.get(driver)! - 1);
      return false;
    }
    return true;
  });
}

function bounded<T>(promise: Promise<T>, timeoutMs: number): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}
