import type { JobSpec } from '../../common/worker/job-spec';
import type { ContainerEngine, EngineInfo } from './container-engine';
import type { DiskSpace } from './setup-doctor';
import { gb, localDiskSpace } from './setup-doctor';

export interface JobAdmissionDeps {
  engine: ContainerEngine;
  nowMs: () => number;
  /** Disk the owner keeps for themselves in Docker's data root; jobs never eat into it. */
  diskReserveBytes: () => number;
  diskSpace?: (path: string) => Promise<DiskSpace | null>;
}

const MIB = 1024 * 1024;
/** The engine's host does not change its CPUs, memory or data root while it runs. */
const INFO_MAX_AGE_MS = 60_000;

/**
 * Whether this machine can take a job before anything is made for it: enough CPUs and
 * memory on Docker's host for the job's limits, and disk for its scratch without
 * eating into the owner's reserve. A refusal says what the job asks and what there is.
 */
export class JobAdmission {
  private info: { value: EngineInfo; atMs: number } | null = null;

  constructor(private readonly options: JobAdmissionDeps) {}

  /** Null admits the job; otherwise the reason, in plain words. */
  async refusal(spec: JobSpec): Promise<string | null> {
    const info = await this.engineInfo();
    if (!info) return null; // the job then fails on Docker itself, with a clearer message
    if (info.cpus > 0 && spec.cpuCores > info.cpus) {
      return `This job asks for ${spec.cpuCores} CPU cores; Docker on this machine has ${info.cpus}. It cannot run here.`;
    }
    if (info.memoryBytes > 0 && spec.memoryLimitMb * MIB > info.memoryBytes) {
      return `This job asks for ${gb(spec.memoryLimitMb * MIB)} of memory; Docker on this machine has ${gb(info.memoryBytes)}. It cannot run here.`;
    }
    const space = await (this.options.diskSpace ?? localDiskSpace)(info.dataRoot);
    if (!space) return null;
    const scratchBytes = spec.scratchSizeMb * MIB;
    const reserve = this.options.diskReserveBytes();
    if (space.freeBytes - scratchBytes >= reserve) return null;
    return (
      `Not enough disk for this job: it needs ${gb(scratchBytes)} of scratch space, Docker's disk has ${gb(space.freeBytes)} free ` +
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
