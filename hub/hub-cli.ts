import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { HubTiming } from './hub-server';
import { DEFAULT_HUB_LIMITS, DEFAULT_HUB_TIMING, startHub } from './hub-server';
import { openHubChain } from './payments/hub-chain';
import { checkHubExposure } from './http/public-origin';
import { createStreamLogger } from './logging/stream-logger';
import { errorText } from '../common/errors';
import type { HubChainChoice } from './payments/hub-chain';
import { PAYMENT_TOKEN } from '../common/money/token-registry';
import { describeHubStore, openHubStore } from './store/open-hub-store';
import type { HubStore } from './store/hub-store';
import type { HubServerOptions } from './hub-server';

// `npm run hub -- --port N --data-dir D (--sandbox-chain | --rpc URL --mint M)`: the hub on
// its own, for a private grid (one machine runs it, the others point their app at it).
const USAGE = `Usage: npm run hub -- [--port N] [--host ADDR --public-origin URL] [--tls-cert FILE --tls-key FILE] [--data-dir DIR] [--store URL] (--sandbox-chain [--chain-port N] | --rpc URL --mint MINT)

  --port N            port for HTTP and the worker/renter sockets (default 7070; 0 picks a free one)
  --host ADDR         address to bind (default 127.0.0.1; 0.0.0.0 serves your LAN, and needs --public-origin)
  --public-origin URL the address apps reach this hub by, which wallets sign in to: https://hub.example.org
                      (TLS here or at a reverse proxy), or http://<private LAN address>:<port> on a LAN.
                      Required beyond loopback; never 0.0.0.0. Apps refuse sign-ins naming any other.
  --tls-cert FILE     PEM certificate (chain): serve HTTPS and WSS directly …
  --tls-key FILE      … with this PEM key
  --data-dir DIR      where hub.db (and the sandbox chain) live (default ./.idlegrid-data/hub)
  --store URL         where the hub keeps its state: "sqlite" (default: hub.db in --data-dir, one
                      hub process) or postgres://user:pass@host:5432/db (a PostgreSQL database that
                      several hub instances may share)
  --sandbox-chain     serve this hub's own sandbox chain (test SOL and ${PAYMENT_TOKEN.symbol}) and check payments on it
  --chain-port N      port of that sandbox chain (default 0: any free port; /v1/info tells clients)
  --rpc URL           or: check payments on this Solana RPC (devnet, mainnet, custom) …
  --mint MINT         … in this ${PAYMENT_TOKEN.symbol} mint
  --commitment C      confirmed (default) or finalized
  --connect-rate N    worker hellos per second from one address (default 200; raise it when many
                      machines share one address, e.g. a farm behind NAT)
  --max-sockets-per-address N
                      sockets one address (an IPv6 /64) may hold at once (default ${DEFAULT_HUB_LIMITS.maxSocketsPerAddress}; raise it with
                      --connect-rate for a farm behind one NAT)
  --mesh-udp-host ADDR where the cluster mesh's UDP observer and relay bind (default: --host; on
                      127.0.0.1, every address, for lease sidecars on this machine); ports are
                      picked per lease, so let UDP to this address through any firewall
  --mesh-advertised-host HOST
                      what nodes are told to send to (default: the bind address, or the public
                      origin's host when bound to 0.0.0.0)
  --no-mesh           no cluster mesh: multi-machine leases cannot form one

Timing (ms), for private grids and tests: --increment-ms, --grace-ms, --reservation-ttl-ms,
--heartbeat-interval-ms, --supplier-lost-grace-ms, --start-deadline-ms, --refund-deadline-ms, --tick-ms, --explorer-sample-ms`;

const TIMING_FLAGS: Record<string, keyof HubTiming> = {
  'increment-ms': 'incrementMs',
  'grace-ms': 'graceMs',
  'reservation-ttl-ms': 'reservationTtlMs',
  'heartbeat-interval-ms': 'heartbeatIntervalMs',
  'supplier-lost-grace-ms': 'supplierLostGraceMs',
  'start-deadline-ms': 'startDeadlineMs',
  'refund-deadline-ms': 'refundDeadlineMs',
  'tick-ms': 'tickMs',
  'explorer-sample-ms': 'explorerSampleMs',
};

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${flag} must be a whole number ≥ ${min}; got "${text}".`);
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'public-origin': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'max-sockets-per-address': { type: 'string' },
        store: { type: 'string' },
        'sandbox-chain': { type: 'boolean' },
        'chain-port': { type: 'string' },
        rpc: { type: 'string' },
        mint: { type: 'string' },
        commitment: { type: 'string' },
        'connect-rate': { type: 'string' },
        'mesh-udp-host': { type: 'string' },
        'mesh-advertised-host': { type: 'string' },
        'no-mesh': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(TIMING_FLAGS).map((f) => [f, { type: 'string' as const }])),
      },
      strict: true,
    }));
  } catch (error) {
    fail(errorText(error));
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const port = wholeNumber('port', values.port as string | undefined, 7070);
  if (port > 65535) fail('--port must be 0–65535.');
  const dataDir = resolve((values['data-dir'] as string | undefined) ?? '.idlegrid-data/hub');
  const timing: Partial<HubTiming> = {};
  for (const [flag, key] of Object.entries(TIMING_FLAGS)) {
    if (values[flag] !== undefined) timing[key] = wholeNumber(flag, values[flag] as string, DEFAULT_HUB_TIMING[key], 1);
  }

  const publicOrigin = values['public-origin'] as string | undefined;
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (values['tls-cert'] || values['tls-key']) {
    if (!values['tls-cert'] || !values['tls-key']) fail('Give both --tls-cert and --tls-key.');
    try {
      tls = { cert: readFileSync(values['tls-cert'] as string), key: readFileSync(values['tls-key'] as string) };
    } catch (error) {
      fail(`The TLS certificate or key cannot be read: ${errorText(error)}`);
    }
  }
  try {
    checkHubExposure({ host, tls: tls !== undefined, ...(publicOrigin !== undefined ? { publicOrigin } : {}) });
  } catch (error) {
    fail(errorText(error));
  }

  // The hub's own log: JSON lines on stdout, beside the lines for people below.
  const logger = createStreamLogger(1);
  let choice: HubChainChoice;
  if (values['sandbox-chain']) {
    if (values.rpc || values.mint) fail('Give either --sandbox-chain or --rpc with --mint, not both.');
    choice = { kind: 'sandbox', logger: logger.child({ scope: 'sandbox-chain' }), dataDir, host, port: wholeNumber('chain-port', values['chain-port'] as string | undefined, 0) };
  } else if (values.rpc && values.mint) {
    const commitment = (values.commitment as string | undefined) ?? 'confirmed';
    if (commitment !== 'confirmed' && commitment !== 'finalized') fail('--commitment is confirmed or finalized.');
    choice = { kind: 'rpc', rpcUrl: values.rpc as string, mint: values.mint as string, commitment };
  } else {
    fail('The hub needs a chain to check payments on: --sandbox-chain, or --rpc URL with --mint MINT.');
  }

  let chain;
  try {
    chain = await openHubChain(choice);
  } catch (error) {
    console.error(`The hub's chain could not start: ${errorText(error)}`);
    process.exit(1);
  }
  const storeLocation = values.store as string | undefined;
  let store: HubStore;
  try {
    store = await openHubStore(storeLocation, dataDir);
  } catch (error) {
    await chain.stop();
    console.error(`The hub's store (${describeHubStore(storeLocation, dataDir)}) could not be opened: ${errorText(error)}`);
    process.exit(1);
  }
  // On PostgreSQL every instance serves; they hear each other over LISTEN/NOTIFY, and the
  // one holding the database's advisory lock applies lease deadlines (README: instances).
  let instances: HubServerOptions['instances'];
  if (storeLocation !== undefined && storeLocation !== 'sqlite') {
    const lost = (what: string) => (error: Error | null) => {
      console.error(`Lost ${what}${error ? ` (${errorText(error)})` : ''}; stopping this hub instance so that the others carry on without it.`);
      process.exit(1);
    };
    try {
      const { PgInstanceBus } = await import('./instances/pg-instance-bus');
      const { PgDeadlineKeeper } = await import('./instances/pg-deadline-keeper');
      const bus = await PgInstanceBus.open(storeLocation, lost('the database session that carries events between hub instances'));
      const keeper = PgDeadlineKeeper.start(storeLocation, {
        onHeld: () => console.log('This hub instance now applies lease deadlines (the keeper of this database).'),
        onLost: lost('the database session that made this hub instance the deadline keeper'),
        onError: (error) => lost('the database session that waits to keep deadlines')(error instanceof Error ? error : null),
      });
      instances = { bus, keeper };
    } catch (error) {
      await store.close();
      await chain.stop();
      console.error(`The hub could not reach its database (${describeHubStore(storeLocation, dataDir)}): ${errorText(error)}`);
      process.exit(1);
    }
  }
  let hub;
  try {
    const connectsPerSec = wholeNumber('connect-rate', values['connect-rate'] as string | undefined, DEFAULT_HUB_LIMITS.connectsPerSec, 1);
    const maxSocketsPerAddress = wholeNumber('max-sockets-per-address', values['max-sockets-per-address'] as string | undefined, DEFAULT_HUB_LIMITS.maxSocketsPerAddress, 1);
    // A grid on its own sandbox chain moves only test money, like the app's Sandbox hub: no
    // newcomer caps there (issue 13's caps protect real money on devnet/mainnet grids).
    const newcomerCaps = !values['sandbox-chain'];
    const limits = { connectsPerSec, connectBurst: Math.max(DEFAULT_HUB_LIMITS.connectBurst, connectsPerSec * 5), maxSocketsPerAddress, newcomerCaps };
    const mesh = values['no-mesh']
      ? (false as const)
      : { ...(values['mesh-udp-host'] ? { udpHost: values['mesh-udp-host'] as string } : {}), ...(values['mesh-advertised-host'] ? { advertisedHost: values['mesh-advertised-host'] as string } : {}) };
    hub = await startHub({ logger, dataDir, host, port, store, ...(publicOrigin !== undefined ? { publicOrigin } : {}), ...(tls ? { tls } : {}), chain: chain.config, timing, limits, mesh, ...(instances ? { instances } : {}) });
  } catch (error) {
    await store.close();
    await chain.stop();
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} is already in use, so the hub cannot listen there. Pick another --port or stop the other program.`
        : `The hub could not start: ${errorText(error)}`,
    );
    process.exit(1);
  }
  console.log(`Idlegrid hub: ${hub.url}  (data in ${dataDir}; state in ${describeHubStore(storeLocation, dataDir)})`);
  console.log(`Sign-in domain: ${hub.origin}${hub.origin.startsWith('http:') && host !== '127.0.0.1' && host !== '::1' && host !== 'localhost' ? ' (plain HTTP: only for a private network; apps will warn)' : ''}`);
  // What an app's user compares before accepting a self-signed certificate (Settings → Hub certificate).
  if (tls) console.log(`TLS certificate SHA-256 fingerprint: ${new X509Certificate(tls.cert).fingerprint256}`);
  console.log(`Chain: ${chain.config.network}${chain.config.rpcUrl ? ` at ${chain.config.rpcUrl}` : ''}, ${(chain.config.token ?? PAYMENT_TOKEN).symbol} mint ${chain.config.mint}`);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    console.log(`Listening on ${host}: machines on your network can reach this hub at ${hub.origin}.`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the hub…`);
    void hub
      .close()
      .then(() => chain.stop())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
