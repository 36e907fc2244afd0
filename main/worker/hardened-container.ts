import type { JobSpec } from '../../common/worker/job-spec';
import type { ContainerGpuDevices } from '../hardware/vendors';
import type { ContainerCreateSpec } from './container-engine';
import type { JobResourceNames } from './job-resources';

const MIB = 1024 * 1024;

/** Where the job's scratch volume is mounted; the only writable disk a job has. */
export const SCRATCH_PATH = '/scratch';
/** Every node's results folder: the renter downloads it (the app offers to before the lease ends). */
export const OUTPUTS_PATH = '/outputs';

/**
 * The Docker create body for a renter's job. A job is someone else's code on the
 * owner's machine, so it gets nothing it does not need:
 * - no Linux capabilities (`CapDrop: ALL`, nothing added), not privileged, and
 *   `no-new-privileges` so setuid binaries in the image cannot gain any back;
 * - a read-only root file system; writable only a tmpfs `/tmp` (RAM, counted in the
 *   memory limit) and the job's own scratch volume at `/scratch`;
 * - pids, memory (no swap) and CPU limits;
 * - no host paths at all (no binds; never the Docker socket), no host network, IPC or
 *   PID namespace; the lease's own bridge network;
 * - the runtime pinned to `runc`, so a host whose default runtime is `nvidia` cannot
 *   hand a job every GPU through an `NVIDIA_VISIBLE_DEVICES` baked into its image;
 *   GPUs only as their vendor's driver hands over exactly the lease's GPUs (`gpus`:
 *   NVIDIA `DeviceRequests` by UUID, AMD `/dev/kfd` and the GPUs' render nodes);
 * - bounded json-file logs, so a job printing without end cannot fill the disk.
 */
export function hardenedContainerSpec(
  spec: JobSpec,
  names: JobResourceNames,
  labels: Record<string, string>,
  gpus: ContainerGpuDevices,
  /**
   * The lease's mesh sidecar: the job then joins the sidecar's network namespace
   * (`container:<id>`), where the mesh and the lease's firewall live and which it cannot
   * change. Hostname, ports and network aliases belong to the sidecar then.
   */
  mesh?: { sidecar: string },
): ContainerCreateSpec {
  const hasGpus = spec.gpuUuids.length > 0;
  const env = Object.entries(spec.env).map(([key, value]) => `${key}=${value}`);
  env.push(`IDLEGRID_JOB_ID=${spec.jobId}`, `IDLEGRID_LEASE_ID=${spec.leaseId}`, `IDLEGRID_SCRATCH=${SCRATCH_PATH}`, `IDLEGRID_OUTPUTS=${OUTPUTS_PATH}`);
  // Docker adds NVIDIA_VISIBLE_DEVICES itself for a device request; a job without one
  // (CPU, or AMD GPUs given as device nodes) gets "void" so NVIDIA's runtime, if it is
  // somehow in the path, exposes no GPU.
  if (!hasGpus || gpus.deviceRequests.length === 0) env.push('NVIDIA_VISIBLE_DEVICES=void');

  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const { port, protocol } of spec.exposedPorts) {
    const key = `${port}/${protocol}`;
    exposedPorts[key] = {};
    // Loopback only, on a port Docker picks: the app relays it, nothing else on the
    // LAN can reach it. An internal lease network publishes nothing (Docker's rule).
    portBindings[key] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  }

  const memoryBytes = spec.memoryLimitMb * MIB;
  const body: Record<string, unknown> = {
    Image: spec.image,
    Labels: labels,
    Env: env,
    Hostname: spec.jobId.slice(0, 63),
    ExposedPorts: exposedPorts,
    StopTimeout: Math.ceil(spec.stopGraceMs / 1000),
    AttachStdin: false,
    OpenStdin: false,
    Tty: false,
    HostConfig: {
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: [],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${spec.tmpSizeMb}m` },
      Binds: [],
      Mounts: [
        { Type: 'volume', Source: names.volume, Target: SCRATCH_PATH, ReadOnly: false },
        { Type: 'volume', Source: names.outputs, Target: OUTPUTS_PATH, ReadOnly: false },
      ],
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(spec.cpuCores * 1e9),
      PidsLimit: spec.pidsLimit,
      NetworkMode: names.network,
      PortBindings: portBindings,
      PublishAllPorts: false,
      IpcMode: 'private',
      PidMode: '',
      UsernsMode: '',
      Runtime: 'runc',
      DeviceRequests: hasGpus ? gpus.deviceRequests : [],
      Devices: hasGpus ? gpus.devices : [],
      RestartPolicy: { Name: 'no' },
      // Removed by the worker after it has read the exit code and the OOM flag.
      AutoRemove: false,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    },
    NetworkingConfig: {
      // Peers of the same lease find each other by job id (torch.distributed, Ray).
      EndpointsConfig: { [names.network]: { Aliases: [spec.jobId] } },
    },
  };
  if (mesh) {
    const hostConfig = body.HostConfig as Record<string, unknown>;
    hostConfig.NetworkMode = `container:${mesh.sidecar}`;
    hostConfig.PortBindings = {};
    delete body.Hostname;
    delete body.ExposedPorts;
    delete body.NetworkingConfig;
  }
  if (spec.command.length > 0) body.Cmd = spec.command;
  return { name: names.container, body };
}
