import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { AccessStream } from '../../../../hub-client/access-stream';
import type { ContainerEngine } from '../../../worker/container-engine';

/** How long a connection to the container's port may take before the forward is refused. */
const CONNECT_TIMEOUT_MS = 10_000;

interface InspectNetworks {
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
}

/**
 * The container's own address on its lease network (or its mesh sidecar's, whose network
 * namespace it shares). A forward only ever connects here: the target host never comes
 * from the request, so a renter cannot reach this machine, its LAN or another lease.
 */
export async function containerAddress(engine: ContainerEngine, containerId: string): Promise<string | null> {
  let details = await engine.inspectContainer(containerId);
  for (let hops = 0; details && hops < 2; hops++) {
    const raw = details.raw as InspectNetworks;
    const mode = raw.HostConfig?.NetworkMode ?? '';
    if (mode.startsWith('container:')) {
      details = await engine.inspectContainer(mode.slice('container:'.length));
      continue;
    }
    for (const network of Object.values(raw.NetworkSettings?.Networks ?? {})) if (network.IPAddress) return network.IPAddress;
    return null;
  }
  return null;
}

/**
 * A renter's port forward on this machine: one TCP connection to `port` of the lease's
 * container, its bytes both ways over the access stream, with no idle timeout (a
 * notebook's kernel socket stays open for hours). Refused with the reason when nothing
 * listens there.
 */
export async function runNodeForward(engine: ContainerEngine, containerId: string, port: number, stream: AccessStream, accept: () => void, refuse: (reason: string) => void): Promise<void> {
  const host = await containerAddress(engine, containerId);
  if (!host) return refuse("The node's container has no network address to forward to.");
  const socket: Socket = connect({ host, port });
  const connected = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      refuse(error.code === 'ECONNREFUSED' ? `Nothing listens on port ${port} in the node's container.` : `Port ${port} of the node's container cannot be reached (${error.code ?? error.message}).`);
      resolve(false);
    });
  });
  if (!connected) {
    if (!socket.destroyed) socket.destroy();
    refuse(`Port ${port} of the node's container did not answer within ${CONNECT_TIMEOUT_MS / 1000} s.`);
    return;
  }
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 30_000);
  accept();
  socket.on('error', () => stream.closeWith('unavailable', `The connection to port ${port} in the container failed.`));
  stream.on('close', () => socket.destroy());
  stream.pipe(socket);
  socket.pipe(stream);
}
