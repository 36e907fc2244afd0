import type { AccessKind } from '../../../../common/access/access-request';
import type { Logger } from '../../../../common/logger';
import { errorText } from '../../../../common/errors';
import { WorkerAccessClient } from '../../../../hub-client/worker-access-client';
import type { IncomingAccess } from '../../../../hub-client/worker-access-client';
import type { ContainerEngine } from '../../../worker/container-engine';
import type { SupplierLeaseStore } from '../supplier-lease-store';
import { AccessGate } from './access-gate';
import { runNodeDownload, runNodeUpload } from './node-files';
import { runNodeForward } from './node-forward';
import { runNodeTerminal } from './node-terminal';

export interface SupplierAccessDeps {
  leases: SupplierLeaseStore;
  engine: ContainerEngine;
  /** The container of a local job, if it has one. */
  containerOf(jobId: string): string | null;
  /** The hub's time where known, this machine's otherwise. */
  nowMs(): number;
  logger: Logger;
}

/** One stream open on this machine, for the Lend view. */
export interface OpenAccessStream {
  leaseId: string;
  rank: number;
  kind: AccessKind;
  sinceMs: number;
}

/**
 * Renters' streams into the containers of the leases this machine runs: keeps the access
 * socket to the hub while the worker session is up (the same hub and worker id), checks
 * every stream with the AccessGate and then serves it (terminals, port forwards, file uploads and downloads). Streams of a
 * lease close when it ends here.
 */
export class SupplierAccess {
  private client: WorkerAccessClient | null = null;
  private key: string | null = null;
  private readonly gate: AccessGate;
  private readonly open = new Map<IncomingAccess['stream'], OpenAccessStream>();

  constructor(private readonly d: SupplierAccessDeps) {
    this.gate = new AccessGate({ lease: (id) => d.leases.get(id), nowMs: d.nowMs });
  }

  get streams(): OpenAccessStream[] {
    return [...this.open.values()];
  }

  /** (Re)connects for this hub and worker; a no-op when already connected for them. */
  connect(hubUrl: string, workerId: string, token: () => Promise<string>): void {
    const key = `${hubUrl}|${workerId}`;
    if (this.key === key) return;
    this.stop();
    this.key = key;
    this.client = new WorkerAccessClient({
      hubUrl,
      workerId,
      token,
      onOpen: (incoming) => void this.serve(incoming),
      onProblem: (why) => this.d.logger.warn({ why }, 'access socket problem'),
    });
    this.client.start();
  }

  stop(): void {
    this.client?.stop();
    this.client = null;
    this.key = null;
  }

  /** The lease ended here: its streams close (the hub closes its side too). */
  leaseEnded(leaseId: string): void {
    for (const [stream, info] of this.open) if (info.leaseId === leaseId) stream.closeWith('conflict', 'The lease ended; its streams are closed.');
  }

  private async serve(incoming: IncomingAccess): Promise<void> {
    const { request } = incoming.signed;
    const verdict = this.gate.check(incoming.signed);
    if (!verdict.ok) {
      this.d.logger.info({ leaseId: request.leaseId, rank: request.rank, kind: request.kind, code: verdict.code }, 'access stream refused here');
      return incoming.refuse(verdict.code, verdict.reason);
    }
    const containerId = verdict.lease.jobId ? this.d.containerOf(verdict.lease.jobId) : null;
    if (!containerId) return incoming.refuse('conflict', `Lease ${request.leaseId} has no running container on this machine.`);
    const { stream } = incoming;
    stream.on('error', () => undefined); // the renter sees why; here it only ends
    this.open.set(stream, { leaseId: request.leaseId, rank: request.rank, kind: request.kind, sinceMs: Date.now() });
    stream.once('close', () => this.open.delete(stream));
    try {
      if (request.kind === 'terminal') return await runNodeTerminal(this.d.engine, containerId, stream, { cols: request.cols ?? 80, rows: request.rows ?? 24 }, incoming.accept);
      if (request.kind === 'forward') {
        return await runNodeForward(this.d.engine, containerId, request.port ?? 0, stream, incoming.accept, (reason) => incoming.refuse('unavailable', reason));
      }
      if (request.kind === 'upload') return await runNodeUpload(this.d.engine, containerId, request.path ?? '', stream, incoming.accept);
      return await runNodeDownload(this.d.engine, containerId, request.path ?? '', stream, incoming.accept, (reason) => incoming.refuse('not_found', reason));
    } catch (error) {
      this.d.logger.warn({ err: error, leaseId: request.leaseId, kind: request.kind }, 'an access stream failed to start');
      incoming.refuse('unavailable', `The node could not start the ${request.kind}: ${errorText(error)}`);
      stream.closeWith('unavailable', `The ${request.kind} failed: ${errorText(error)}`);
    }
  }
}
