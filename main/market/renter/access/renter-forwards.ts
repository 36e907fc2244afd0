import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AccessForward } from '../../../../common/api/access';
import { ApiError } from '../../../../common/api/errors';
import { Emitter } from '../../../../common/event';
import type { Event } from '../../../../common/event';
import type { Logger } from '../../../../common/logger';
import type { StreamOpener } from './renter-terminals';

interface OpenForward {
  info: AccessForward;
  server: Server;
  sockets: Set<Socket>;
}

const MAX_FORWARDS = 32;

/**
 * The renter's port forwards: "port N of node K" listens on 127.0.0.1 of this machine
 * (a free port unless one is asked for), and each connection to it becomes one stream to
 * that port of the node's container. Plain TCP, so HTTP, WebSockets (Jupyter kernels)
 * and anything else pass; no timeout on long connections.
 */
export class RenterForwards {
  private readonly forwards = new Map<string, OpenForward>();
  private readonly changed = new Emitter<AccessForward[]>();
  readonly onDidChange: Event<AccessForward[]> = this.changed.event;

  constructor(
    private readonly nowMs: () => number,
    private readonly logger: Logger,
  ) {}

  list(): AccessForward[] {
    return [...this.forwards.values()].map((f) => ({ ...f.info, connections: f.sockets.size }));
  }

  async open(opener: StreamOpener, leaseId: string, rank: number, port: number, localPort: number | undefined): Promise<AccessForward> {
    if (this.forwards.size >= MAX_FORWARDS) throw new ApiError('conflict', `At most ${MAX_FORWARDS} port forwards can be open; close one first.`, 'too_many_forwards');
    const existing = [...this.forwards.values()].find((f) => f.info.leaseId === leaseId && f.info.rank === rank && f.info.port === port);
    if (existing && localPort === undefined) return existing.info;
    const sockets = new Set<Socket>();
    const forwardId = `fwd-${randomBytes(6).toString('hex')}`;
    const server = createServer((socket) => this.carry(opener, forwardId, socket));
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        this.publish();
      });
      this.publish();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new ApiError('conflict', error.code === 'EADDRINUSE' ? `Port ${localPort} of this computer is in use; pick another or leave it empty for a free one.` : `Cannot listen on this computer: ${error.message}`, 'forward_listen_failed')),
      );
      server.listen(localPort ?? 0, '127.0.0.1', () => resolve());
    });
    const bound = (server.address() as { port: number }).port;
    const info: AccessForward = { forwardId, leaseId, rank, port, localPort: bound, url: `http://127.0.0.1:${bound}/`, openedAtMs: this.nowMs(), connections: 0, lastError: null };
    this.forwards.set(forwardId, { info, server, sockets });
    this.publish();
    return info;
  }

  close(forwardId: string): void {
    const forward = this.forwards.get(forwardId);
    if (!forward) return;
    this.forwards.delete(forwardId);
    forward.server.close();
    for (const socket of forward.sockets) socket.destroy();
    this.publish();
  }

  /** Closes the forwards of a lease that ended (or all of them). */
  closeWhere(match: (f: AccessForward) => boolean): void {
    for (const f of [...this.forwards.values()]) if (match(f.info)) this.close(f.info.forwardId);
  }

  private carry(opener: StreamOpener, forwardId: string, socket: Socket): void {
    const forward = this.forwards.get(forwardId);
    if (!forward) return void socket.destroy();
    socket.pause();
    socket.setNoDelay(true);
    const { leaseId, rank, port } = forward.info;
    opener.open({ leaseId, rank, kind: 'forward', port }).then(
      (stream) => {
        stream.on('error', (error) => {
          this.setError(forwardId, error.message);
          socket.destroy();
        });
        socket.on('error', () => stream.destroy());
        socket.on('close', () => stream.destroy());
        stream.on('close', () => socket.destroy());
        socket.pipe(stream);
        stream.pipe(socket);
        socket.resume();
        this.setError(forwardId, null);
      },
      (error: Error) => {
        this.logger.info({ leaseId, rank, port, err: error }, 'a forwarded connection was refused');
        this.setError(forwardId, error.message);
        socket.destroy();
      },
    );
  }

  private setError(forwardId: string, message: string | null): void {
    const forward = this.forwards.get(forwardId);
    if (!forward || forward.info.lastError === message) return;
    forward.info = { ...forward.info, lastError: message };
    this.publish();
  }

  private publish(): void {
    this.changed.fire(this.list());
  }
}
