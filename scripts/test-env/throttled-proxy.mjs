// A TCP proxy on 127.0.0.1 that forwards to a loopback address at a limited rate, in
// both directions: a registry behind it makes a pull slow enough (seconds, not
// milliseconds) for a test to kill a process or restart dockerd in the middle of it.
// Pull `127.0.0.1:PROXYPORT/repo:tag`; Docker treats every 127.0.0.1 port as insecure-ok.
import { createServer, connect } from 'node:net';

/** Starts the proxy; `stop()` closes it and every connection it holds. */
export async function startThrottledProxy({ target, bytesPerSecond }) {
  const [host, portText] = target.split(':');
  if (host !== '127.0.0.1') throw new Error(`the throttled proxy forwards to loopback only, not ${host}`);
  const sockets = new Set();
  const pipeSlowly = (from, to) => {
    from.on('data', (chunk) => {
      from.pause();
      to.write(chunk);
      const timer = setTimeout(() => from.resume(), Math.ceil((chunk.length / bytesPerSecond) * 1000));
      timer.unref();
    });
    from.on('end', () => to.end());
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(portText), host);
    sockets.add(client);
    sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipeSlowly(client, upstream);
    pipeSlowly(upstream, client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
