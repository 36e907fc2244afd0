import type { Gpu } from '../../../../common/hardware/gpu';
import type { ContainerGpuDevices, GpuContainerFailure } from '../gpu-vendor';

/**
 * NVIDIA GPUs reach a container through Docker's "nvidia" device driver (the NVIDIA
 * Container Toolkit's hook), asked for the exact UUIDs: never `--gpus all`, never
 * NVIDIA_VISIBLE_DEVICES from the image (the runtime stays runc).
 */
export function nvidiaContainerDevices(gpus: ReadonlyArray<Pick<Gpu, 'uuid'>>): ContainerGpuDevices {
  if (gpus.length === 0) return { deviceRequests: [], devices: [] };
  return {
    deviceRequests: [{ Driver: 'nvidia', DeviceIDs: gpus.map((g) => g.uuid), Capabilities: [['gpu', 'compute', 'utility']] }],
    devices: [],
  };
}

export const NVIDIA_TOOLKIT_FIX =
  'Install the NVIDIA Container Toolkit (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), ' +
  'then run `sudo nvidia-ctk runtime configure --runtime=docker` and restart Docker (`sudo systemctl restart docker`). ' +
  'With Docker Desktop on Windows, use the WSL 2 backend and an up-to-date NVIDIA driver.';

/** dockerd's answer when the NVIDIA Container Toolkit (its container hook) is not installed. */
export function isNvidiaRuntimeMissing(text: string): boolean {
  return /could not select device driver "[^"]*" with capabilities/i.test(text);
}

/** The hook ran but failed: the driver is missing, too old, or a GPU id is wrong. */
export function isNvidiaHookFailure(text: string): boolean {
  return /nvidia-container-cli|nvidia-container-runtime-hook|unknown device with uuid|nvml error/i.test(text);
}

export function explainNvidiaContainerFailure(text: string): GpuContainerFailure | null {
  if (isNvidiaRuntimeMissing(text)) {
    return { summary: 'Docker cannot give containers a GPU: the NVIDIA Container Toolkit is not installed.', fix: NVIDIA_TOOLKIT_FIX };
  }
  if (isNvidiaHookFailure(text)) {
    return {
      summary: 'The NVIDIA Container Toolkit is installed but could not set up the GPUs.',
      fix: 'Check that `nvidia-smi` works on this machine and that the leased GPUs are still present; update the NVIDIA driver, then restart Docker.',
    };
  }
  return null;
}
