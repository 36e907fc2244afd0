import { join } from 'node:path';
import type { Gpu } from '../../../../common/hardware/gpu';
import type { ContainerGpuDevices, DeviceMapping, GpuContainerFailure } from '../gpu-vendor';
import { renderNodeName, type AmdDevicePaths } from './render-node';

/**
 * AMD GPUs reach a container as plain device nodes (ROCm's documented way): `/dev/kfd`,
 * the compute interface all GPUs share, and each leased GPU's own `/dev/dri/renderD*`.
 * Only those render nodes are mapped, so a job sees exactly its GPUs; no DeviceRequest,
 * no capability, no host mount.
 */
export function amdContainerDevices(gpus: ReadonlyArray<Pick<Gpu, 'uuid' | 'busId'>>, paths: AmdDevicePaths): ContainerGpuDevices {
  if (gpus.length === 0) return { deviceRequests: [], devices: [] };
  const devices: DeviceMapping[] = [device(join(paths.devRoot, 'kfd'), '/dev/kfd')];
  for (const gpu of gpus) {
    const node = renderNodeName(gpu.busId, paths);
    if (!node) {
      throw new Error(
        `The AMD GPU ${gpu.uuid} (PCI ${gpu.busId ?? 'unknown'}) has no render node under ${join(paths.sysfsRoot, 'bus', 'pci', 'devices')}: ` +
          'it may have been removed or its driver unloaded. Detect the hardware again on Home.',
      );
    }
    devices.push(device(join(paths.devRoot, 'dri', node), `/dev/dri/${node}`));
  }
  return { deviceRequests: [], devices };
}

function device(pathOnHost: string, pathInContainer: string): DeviceMapping {
  // rw, no mknod: the job uses the node it is given and makes no others.
  return { PathOnHost: pathOnHost, PathInContainer: pathInContainer, CgroupPermissions: 'rw' };
}

/** dockerd, when a device node to map is missing: `error gathering device information while adding custom device "/dev/kfd": …`. */
export function explainAmdContainerFailure(text: string): GpuContainerFailure | null {
  const missing = /adding custom device "([^"]+)"/i.exec(text)?.[1];
  if (!missing) return null;
  if (missing.endsWith('/kfd')) {
    return {
      summary: `Docker cannot give containers the AMD GPUs: ${missing} is missing, so the amdgpu driver's compute interface is not loaded.`,
      fix: 'Install ROCm with its amdgpu kernel driver (amdgpu-dkms), reboot, and check that `rocm-smi` lists the GPUs; then detect again.',
    };
  }
  if (/\/dri\/renderD\d+$/.test(missing)) {
    return {
      summary: `Docker cannot give containers an AMD GPU: its render node ${missing} is missing.`,
      fix: 'The GPU may have been removed or its driver reset: detect the hardware again on Home, then retry.',
    };
  }
  return null;
}
