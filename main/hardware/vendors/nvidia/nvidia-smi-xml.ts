import { parseStringPromise } from 'xml2js';
import type { Gpu, GpuProcess } from '../../../../common/hardware/gpu';
import { at, firstKnown, integerOf, listOf, numberOf, textOf } from '../../reported-values';

/**
 * Reads `nvidia-smi -q -x`. We parse with xml2js and the options node-nvidia-smi uses
 * (`explicitArray: false, trim: true`), so the tree has the shape that package gives,
 * but we do not call node-nvidia-smi itself: it runs `exec('nvidia-smi -q -x')` with no
 * timeout and no handle on the child, so a hung driver would hang detection forever and
 * leave the child behind. We run the tool ourselves (CommandRunner) and parse here.
 *
 * The XML changed across drivers (v10 … v13 DTDs): `cuda_version` appeared in 410,
 * `power_readings` became `gpu_power_readings`, `power_draw` split into average/instant,
 * MIG and WDDM fields came and went. Each value is read from every place it has lived.
 */
export class NvidiaSmiXmlError extends Error {
  override readonly name = 'NvidiaSmiXmlError';
}

export async function parseNvidiaSmiXml(xml: string): Promise<Gpu[]> {
  let tree: unknown;
  try {
    tree = await parseStringPromise(xml, { explicitArray: false, trim: true });
  } catch (error) {
    throw new NvidiaSmiXmlError(`nvidia-smi printed XML that could not be read: ${firstLine(String(error))}`);
  }
  const log = at(tree, 'nvidia_smi_log');
  if (log === null || typeof log !== 'object') {
    throw new NvidiaSmiXmlError('nvidia-smi printed XML without an <nvidia_smi_log> element');
  }
  const driverVersion = textOf(at(log, 'driver_version'));
  // Drivers before 410 do not report the CUDA version at all.
  const cudaVersion = textOf(at(log, 'cuda_version'));
  // nvidia-smi lists GPUs in its index order (PCI bus order), so the position is the index.
  return listOf(at(log, 'gpu')).map((gpu, index) => toGpu(gpu, index, driverVersion, cudaVersion));
}

function toGpu(gpu: unknown, index: number, driverVersion: string | null, cudaVersion: string | null): Gpu {
  const power = at(gpu, 'power_readings');
  const gpuPower = at(gpu, 'gpu_power_readings');
  const link = at(gpu, 'pci', 'pci_gpu_link_info');
  const uuid = textOf(at(gpu, 'uuid'));
  const busId = textOf(at(gpu, 'pci', 'pci_bus_id')) ?? textOf(at(gpu, '$', 'id'));
  return {
    vendor: 'nvidia',
    index,
    // A GPU without a UUID cannot be leased exactly; the bus id is the next stable thing.
    uuid: uuid ?? `nvidia-bus-${busId ?? index}`,
    name: textOf(at(gpu, 'product_name')) ?? 'NVIDIA GPU',
    busId,
    vramTotalMiB: integerOf(at(gpu, 'fb_memory_usage', 'total')),
    vramUsedMiB: integerOf(at(gpu, 'fb_memory_usage', 'used')),
    driverVersion,
    cudaVersion,
    pcie: {
      generation: integerOf(at(link, 'pcie_gen', 'current_link_gen')),
      // The link's max (lower of host and GPU), which is what a job can get.
      maxGeneration: integerOf(at(link, 'pcie_gen', 'max_link_gen')),
      linkWidth: integerOf(at(link, 'link_widths', 'current_link_width')),
      maxLinkWidth: integerOf(at(link, 'link_widths', 'max_link_width')),
    },
    powerLimitW: firstKnown(
      numberOf,
      at(power, 'power_limit'),
      at(power, 'enforced_power_limit'),
      at(gpuPower, 'current_power_limit'),
      at(gpuPower, 'enforced_power_limit'),
    ),
    powerDrawW: firstKnown(
      numberOf,
      at(power, 'power_draw'),
      at(gpuPower, 'power_draw'),
      at(gpuPower, 'average_power_draw'),
      at(gpuPower, 'instant_power_draw'),
    ),
    temperatureC: numberOf(at(gpu, 'temperature', 'gpu_temp')),
    utilizationPct: numberOf(at(gpu, 'utilization', 'gpu_util')),
    fanPct: numberOf(at(gpu, 'fan_speed')),
    migMode: migModeOf(at(gpu, 'mig_mode', 'current_mig')),
    processes: listOf(at(gpu, 'processes', 'process_info')).map(toProcess).filter((p): p is GpuProcess => p !== null),
    // The vendor's driver decides (main/hardware/vendors): the tool's report alone cannot say.
    lendable: false,
  };
}

function migModeOf(value: unknown): Gpu['migMode'] {
  const text = textOf(value)?.toLowerCase();
  return text === 'enabled' ? 'enabled' : text === 'disabled' ? 'disabled' : null;
}

function toProcess(info: unknown): GpuProcess | null {
  const pid = integerOf(at(info, 'pid'));
  if (pid === null) return null;
  return {
    pid,
    type: textOf(at(info, 'type')),
    // WDDM hides the names of some processes; keep the entry, with an empty name.
    name: textOf(at(info, 'process_name')) ?? '',
    usedMemoryMiB: integerOf(at(info, 'used_memory')),
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
