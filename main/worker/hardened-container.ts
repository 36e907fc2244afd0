import { statSync } from 'node:fs';
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
 * The job's scratch and /outputs: tmpfs mounts of the container, each of exactly
 * `scratchSizeMb` (issue 14, item 5). Why tmpfs: the kernel enforces its size (a write
 * beyond it fails with ENOSPC inside the container) on every storage driver and on Docker
 * Desktop, without root on this side. A plain volume is a directory on Docker's disk with no
 * limit at all (a job given 8 MB wrote 200 MB); overlay2's `size=` needs XFS with project
 * quotas and applies to the root file system only; a loop-mounted ext4 image is refused by
 * the `local` driver ("loop: invalid argument": it calls mount(2), not mount(8)). Mounts of
 * the container rather than tmpfs volumes: a volume's mount count does not survive a
 * live-restore restart of Docker ("volume has active mounts" forever after), a container's
 * tmpfs goes with the container. The price: scratch lives in memory, so the container's
 * memory limit includes it (tmpfs pages are charged to the container's cgroup, which bounds
 * both mounts together) and admission counts it against the host's RAM.
 */
export function sizedTmpfs(sizeMb: number): string {
  // mode 1777: the job's user is not root and may be any uid; sticky so files stay their owner's.
  return `rw,nosuid,nodev,size=${Math.max(1, sizeMb * 1024)}k,mode=1777`;
}

/** The host groups owning the given device nodes (numbers; nodes that cannot be read are left out). */
function deviceGroups(devices: ContainerGpuDevices['devices']): string[] {
  const gids = new Set<string>();
  for (const device of devices) {
    try {
      gids.add(String(statSync(device.PathOnHost).gid));
    } catch {
      // Not on this host (a remote engine): Docker then fails on the device itself, in words.
    }
  }
  return [...gids];
}

/** The user a job runs as when its image names none, or names root: nobody. */
export const NOBODY_USER = '65534:65534';

/**
 * Who the job's process is (issue 14, item 5): root only when the renter asked for it
 * (admission has already checked that the owner allows it); otherwise the image's own
 * USER when that is not root, or nobody. Root is uid 0 whatever the name says.
 */
export function containerUser(spec: JobSpec, imageUser: string): string {
  if (spec.runAsRoot) return '0:0';
  const user = imageUser.trim();
  const uid = user.split(':')[0] ?? '';
  if (user === '' || uid === '0' || uid === 'root') return NOBODY_USER;
  return user;
}

/**
 * Memory the container may use: its own limit plus its scratch, whose tmpfs pages are
 * charged to the container that writes them (so a full scratch cannot OOM the job).
 */
export function containerMemoryBytes(spec: JobSpec): number {
  return (spec.memoryLimitMb + spec.scratchSizeMb) * MIB;
}

/**
 * The Docker create body for a renter's job. A job is someone else's code on the
 * owner's machine, so it gets nothing it does not need:
 * - an unprivileged user (`containerUser`: the image's USER, or nobody), root only when
 *   the renter asked and the owner's terms allow it;
 * - no Linux capabilities (`CapDrop: ALL`, nothing added), not privileged, and
 *   `no-new-privileges` so setuid binaries in the image cannot gain any back;
 * - a read-only root file system; writable only a tmpfs `/tmp` (RAM, counted in the
 *   memory limit) and the job's own size-limited scratch volume at `/scratch`;
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
  /** From `containerUser`: never root unless the renter asked and the owner allows it. */
  user: string = NOBODY_USER,
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

  const memoryBytes = containerMemoryBytes(spec);
  const body: Record<string, unknown> = {
    Image: spec.image,
    User: user,
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
      // mode 1777: the job's user is not root, and /tmp must be writable for any uid.
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${spec.tmpSizeMb}m,mode=1777`, [SCRATCH_PATH]: sizedTmpfs(spec.scratchSizeMb), [OUTPUTS_PATH]: sizedTmpfs(spec.scratchSizeMb) },
      Binds: [],
      Mounts: [],
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
      // Device nodes keep the host's owner and mode inside (AMD's /dev/kfd and render nodes
      // are group "render"/"video"): an unprivileged job joins those groups, by number.
      GroupAdd: hasGpus ? deviceGroups(gpus.devices) : [],
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
