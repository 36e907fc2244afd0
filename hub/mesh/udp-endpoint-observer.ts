import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { MeshEndpoint } from '../../common/mesh';

/** WireGuard's first handshake message: type 1, 148 bytes. Anything else is not a node probing. */
export function isHandshakeInitiation(message: Buffer): boolean {
  return message.length === 148 && message[0] === 1 && message[1] === 0 && message[2] === 0 && message[3] === 0;
}

export interface Observation {
  /** Where the node sends its probe (this hub's address and a port opened for this node only). */
  target: MeshEndpoint;
  /** The node's public UDP endpoint as its first handshake packet arrived, or null after the timeout. */
  result: Promise<MeshEndpoint | null>;
  close(): void;
}

/**
 * Observes a node's public UDP endpoint the way its peers will see it: the node points a
 * throwaway WireGuard peer at a port the hub opened for that node alone, so the probe
 * leaves from the very socket wireguard-go will use for the mesh, through the same NAT
 * mapping (a separate probe tool would have to borrow the port before wireguard-go took
 * it). The first handshake initiation's source is the answer; the port then closes.
 */
export class UdpEndpointObserver {
  private readonly open = new Set<Socket>();

  constructor(
    private readonly bindHost: string,
    /** Where nodes send (default: the bind address). */
    private readonly advertisedHost: string = bindHost,
  ) {}

  async observe(timeoutMs: number): Promise<Observation> {
    const socket = createSocket('udp4');
    this.open.add(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.bindHost, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const close = () => {
      if (!this.open.delete(socket)) return;
      socket.close();
    };
    const result = new Promise<MeshEndpoint | null>((resolve) => {
      const timer = setTimeout(() => {
        close();
        resolve(null);
      }, timeoutMs);
      socket.on('error', () => undefined);
      socket.on('message', (message, rinfo) => {
        if (!isHandshakeInitiation(message)) return;
        clearTimeout(timer);
        close();
        resolve({ host: rinfo.address, port: rinfo.port });
      });
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    return { target: { host: this.advertisedHost, port: socket.address().port }, result, close };
  }

  dispose(): void {
    for (const socket of [...this.open]) {
      this.open.delete(socket);
      socket.close();
    }
  }
}
