import type { JobSpec } from '../../common/worker/job-spec';
import type { ContainerEngine, EngineInfo } from './container-engine';
import type { DiskSpace } from './setup-doctor';
import { gb, localDiskSpace } from './setup-doctor';
import { containerMemoryBytes } from './hardened-container';
import { registryRefusal } from './registry-policy';

export interface JobAdmissionDeps {
  engine: ContainerEngine;
  nowMs: () => number;
  /** Disk the owner keeps for themselves in Docker's data root; jobs never eat into it. */
  diskReserveBytes: () => number;
  diskSpace?: (path: string) => Promise<DiskSpace | null>;
  /** The owner lets renters run jobs as root (lend terms; off by default). */
  allowRootJobs?: () => boolean;
  /** Registries on loopback or private addresses the owner allowed (Settings). */
  allowedRegistries?: () => readonly string[];
  /** DNS for registry names (tests answer for names they made up). */
  resolveHost?: (host: string) => Promise<string[]>;
}

const MIB = 1024 * 1024;
/** The engine's host does not change its CPUs, memory or data root while it runs. */
const INFO_MAX_AGE_MS = 60_000;

/**
 * Whether this machine can take a job before anything is made for it: enough CPUs and
 * memory on Docker's host for the job's limits and its scratch (a tmpfs), and Docker's
 * disk not already inside the owner's reserve. A refusal says what the job asks and what there is.
 */
export class JobAdmission {
  private info: { value: EngineInfo; atMs: number } | null = null;

  constructor(private readonly options: JobAdmissionDeps) {}

  /** Null admits the job; otherwise the reason, in plain words. */
  async refusal(spec: JobSpec): Promise<string | null> {
    if (spec.runAsRoot && !(this.options.allowRootJobs?.() ?? false)) {
      return (
        'This job asks to run as root, and this machine runs jobs only as an unprivileged user. ' +
        "The owner can allow root jobs in Lend's terms; otherwise run the job without asking for root."
      );
    }
    const registry = await registryRefusal(spec.image, {
      allowedRegistries: this.options.allowedRegistries ?? (() => []),
      ...(this.options.resolveHost ? { resolve: this.options.resolveHost } : {}),
    });
    if (registry) return registry;
    const info = await this.engineInfo();
    if (!info) return null; // the job then fails on Docker itself, with a clearer message
    if (info.cpus > 0 && spec.cpuCores > info.cpus) {
      return `This job asks for ${spec.cpuCores} CPU cores; Docker on this machine has ${info.cpus}. It cannot run here.`;
    }
    // Scratch is a tmpfs (hardened-container.ts): it takes memory, not disk.
    if (info.memoryBytes > 0 && containerMemoryBytes(spec) > info.memoryBytes) {
      return (
        `This job asks for ${gb(spec.memoryLimitMb * MIB)} of memory and ${gb(spec.scratchSizeMb * MIB)} of scratch space (kept in memory); ` +
        `Docker on this machine has ${gb(info.memoryBytes)}. It cannot run here.`
      );
    }
    const space = await (this.options.diskSpace ?? localDiskSpace)(info.dataRoot);
    if (!space) return null;
    // The job's image and logs go to Docker's disk (its scratch does not: it is in memory).
    const reserve = this.options.diskReserveBytes();
    if (space.freeBytes >= reserve) return null;
    return (
      `Not enough disk for this job: Docker's disk has ${gb(space.freeBytes)} free ` +
      `and ${gb(reserve)} is kept for you. Free some space or lower the reserve in Settings.`
    );
  }

  private async engineInfo(): Promise<EngineInfo | null> {
    if (!this.info || this.options.nowMs() - this.info.atMs > INFO_MAX_AGE_MS) {
      try {
        this.info = { value: await this.options.engine.info(), atMs: this.options.nowMs() };
      } catch {
        return null;
      }
    }
    return this.info.value;
  }
}
