import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import { addressKeyOf } from './remote-host';

export interface ConnectionGuardOptions {
  /** Sockets one address (an IPv6 /64) may hold at once; the next is closed at once. */
  maxSocketsPerAddress: number;
  /**
   * A socket that has not become a WebSocket nor sent a request by then is closed. ws
   * clears the socket's timeout when it takes the socket over, and its own hello timer
   * takes over from there.
   */
  idleTimeoutMs: number;
}

/**
 * Per-address caps on the hub's TCP sockets, applied before TLS and before HTTP parse:
 * one address cannot hold hundreds of idle sockets (each costs a file descriptor and
 * memory) and a socket that says nothing is dropped after the hello timeout instead of
 * Node's default minute of header wait.
 */
export class ConnectionGuard {
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly o: ConnectionGuardOptions) {}

  /** Counts raw sockets on `server` ('connection'); `plainHttp` also arms the idle timeout there (TLS arms it after the handshake). */
  attach(server: Server, plainHttp: boolean): void {
    server.on('connection', (socket: Socket) => {
      const key = addressKeyOf(socket.remoteAddress);
      const count = (this.perAddress.get(key) ?? 0) + 1;
      if (count > this.o.maxSocketsPerAddress) {
        socket.destroy();
        return;
      }
      this.perAddress.set(key, count);
      socket.once('close', () => {
        const left = (this.perAddress.get(key) ?? 1) - 1;
        if (left <= 0) this.perAddress.delete(key);
        else this.perAddress.set(key, left);
      });
      if (plainHttp) this.armIdleTimeout(socket);
    });
  }

  /**
   * Node's HTTP server destroys a socket whose timeout fires when nobody listens for
   * 'timeout'; after a response it sets its own keep-alive timeout, and ws sets 0.
   */
  armIdleTimeout(socket: Socket): void {
    socket.setTimeout(this.o.idleTimeoutMs);
  }

  /** Sockets held now by the address behind `remoteAddress` (tests, diagnostics). */
  socketsOf(remoteAddress: string): number {
    return this.perAddress.get(addressKeyOf(remoteAddress)) ?? 0;
  }
}
