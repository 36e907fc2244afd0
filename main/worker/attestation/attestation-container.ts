import type { Duplex } from 'node:stream';
import type { AttestationDevice } from '../../../common/attestation/attestation-params';
import { AttestationChannelError } from '../../../common/attestation/attestation-session';
import type { AttestationChannel } from '../../../common/attestation/attestation-session';
import { nodeAttestationMessageSchema } from '../../../common/attestation/attestation-wire';
import type { NodeAttestationMessage } from '../../../common/attestation/attestation-wire';
import type { Logger } from '../../../common/logger';
import { silentLogger } from '../../../common/logger';
import type { ContainerGpuDevices } from '../../hardware/vendors';
import type { ContainerEngine } from '../container-engine';
import { DockerLogDemuxer } from '../docker-log-demuxer';
import { JsonLineReader } from '../json-line-reader';
import { attestScript } from './attest-script';

/** The label every attestation container carries (crash clean-up finds them by it). */
export const ATTESTATION_LABEL = 'io.idlegrid.attestation';

const MIB = 1024 * 1024;
/** Python, torch and the temporaries beside the product (CPU: all of it is host memory). */
const PROCESS_OVERHEAD_BYTES = 768 * MIB;
/** A CUDA context and its libraries take a few GiB of host memory of their own. */
const CUDA_PROCESS_OVERHEAD_BYTES = 4096 * MIB;

export interface AttestationContainerSpec {
  leaseId: string;
  rank: number;
  /** An image with python3 and torch (scripts/images/torch-image.mjs builds one). */
  image: string;
  device: AttestationDevice;
  gpuUuids: readonly string[];
  gpus: ContainerGpuDevices;
  /** What the product holds in host memory on the CPU (0 on GPUs: it lives on the device). */
  hostWorkingSetBytes: number;
  /** The container's memory limit; by default the working set plus the process's overhead. */
  memoryLimitBytes?: number;
  /** The script to run; attest.py unless a test plays a dishonest node. */
  script?: string;
}

/**
 * The attestation script in a container on exactly the leased GPUs: hardened like a job
 * (no capabilities, read-only root, no network, runc with the vendor's device request) and
 * spoken to through its stdin and stdout, one JSON line each way. It is an
 * AttestationChannel: the supplier relays the hub's messages into it, tests drive it
 * directly. When the container dies, the pending read fails with why (killed for memory →
 * attestation_memory_short).
 */
export class AttestationContainer implements AttestationChannel {
  private readonly queue: NodeAttestationMessage[] = [];
  private waiter: { resolve: (m: NodeAttestationMessage) => void; reject: (e: Error) => void } | null = null;
  private gone: AttestationChannelError | null = null;
  private stderrTail = '';

  private constructor(
    private readonly engine: ContainerEngine,
    readonly id: string,
    private readonly stream: Duplex,
    private readonly logger: Logger,
  ) {}

  static async start(engine: ContainerEngine, spec: AttestationContainerSpec, logger: Logger = silentLogger): Promise<AttestationContainer> {
    const memory = spec.memoryLimitBytes ?? spec.hostWorkingSetBytes + (spec.device === 'cuda' ? CUDA_PROCESS_OVERHEAD_BYTES : PROCESS_OVERHEAD_BYTES);
    const hasGpus = spec.gpuUuids.length > 0;
    const id = await engine.createContainer({
      name: `idlegrid-attest-${spec.leaseId}-${spec.rank}`.slice(0, 120),
      body: {
        Image: spec.image,
        Cmd: ['python3', '-u', '-c', spec.script ?? (await attestScript()), spec.device],
        Labels: { [ATTESTATION_LABEL]: spec.leaseId },
        Env: ['HOME=/tmp', 'OMP_NUM_THREADS=2', ...(hasGpus && spec.gpus.deviceRequests.length > 0 ? [] : ['NVIDIA_VISIBLE_DEVICES=void'])],
        User: '65534:65534',
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        OpenStdin: true,
        StdinOnce: true,
        Tty: false,
        NetworkDisabled: true,
        HostConfig: {
          Privileged: false,
          CapDrop: ['ALL'],
          CapAdd: [],
          SecurityOpt: ['no-new-privileges:true'],
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
          Binds: [],
          NetworkMode: 'none',
          Memory: memory,
          MemorySwap: memory,
          PidsLimit: 256,
          IpcMode: 'private',
          Runtime: 'runc',
          DeviceRequests: hasGpus ? spec.gpus.deviceRequests : [],
          Devices: hasGpus ? spec.gpus.devices : [],
          RestartPolicy: { Name: 'no' },
          AutoRemove: false,
          LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
        },
      },
    });
    let stream: Duplex;
    try {
      stream = await engine.attachContainer(id);
      await engine.startContainer(id);
    } catch (error) {
      await engine.removeContainer(id).catch(() => undefined);
      throw error;
    }
    const container = new AttestationContainer(engine, id, stream, logger);
    container.listen();
    return container;
  }

  send(message: object): void {
    this.stream.write(`${JSON.stringify(message)}\n`);
  }

  next(timeoutMs: number): Promise<NodeAttestationMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new AttestationChannelError('attestation_no_answer', `The node did not answer within ${(timeoutMs / 1000).toFixed(1)} s.`));
      }, timeoutMs);
      this.waiter = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Stops and removes the container (a missing one is fine). */
  async dispose(): Promise<void> {
    this.stream.destroy();
    await this.engine.killContainer(this.id).catch(() => undefined);
    await this.engine.removeContainer(this.id).catch(() => undefined);
  }

  private listen(): void {
    const lines = new JsonLineReader((value) => {
      const parsed = nodeAttestationMessageSchema.safeParse(value);
      if (!parsed.success) {
        this.logger.warn({ container: this.id }, 'attestation: unreadable line from the node');
        return;
      }
      this.deliver(parsed.data);
    });
    const demuxer = new DockerLogDemuxer((stream, payload) => {
      if (stream === 'stdout') lines.push(payload);
      else this.stderrTail = (this.stderrTail + payload.toString('utf8')).slice(-2_000);
    });
    this.stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
    this.stream.on('error', () => undefined);
    void this.engine
      .waitContainer(this.id)
      .then(async ({ exitCode }) => {
        const details = await this.engine.inspectContainer(this.id).catch(() => null);
        const oom = details?.state.oomKilled === true || exitCode === 137;
        const why = oom
          ? new AttestationChannelError('attestation_memory_short', 'The node ran out of memory holding the working set its claimed GPU memory must hold.')
          : new AttestationChannelError('attestation_failed', `The attestation container exited with code ${exitCode}${this.stderrTail ? `: ${lastLine(this.stderrTail)}` : ''}.`);
        this.close(why);
      })
      .catch(() => this.close(new AttestationChannelError('attestation_failed', 'The attestation container vanished.')));
  }

  private deliver(message: NodeAttestationMessage): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter.resolve(message);
    } else {
      this.queue.push(message);
    }
  }

  private close(why: AttestationChannelError): void {
    if (this.gone) return;
    this.gone = why;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(why);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.slice(0, 300);
}
