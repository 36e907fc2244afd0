import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { HubTiming } from './hub-server';
import { DEFAULT_HUB_LIMITS, DEFAULT_HUB_TIMING, startHub } from './hub-server';
import { openHubChain } from './payments/hub-chain';
import { createStreamLogger } from './logging/stream-logger';
import { errorText } from '../common/errors';
import type { HubChainChoice } from './payments/hub-chain';
import { PAYMENT_TOKEN } from '../common/money/token-registry';

// `npm run hub -- --port N --data-dir D (--sandbox-chain | --rpc URL --mint M)`: the hub on
// its own, for a private grid (one machine runs it, the others point their app at it).
const USAGE = `Usage: npm run hub -- [--port N] [--host ADDR] [--data-dir DIR] (--sandbox-chain [--chain-port N] | --rpc URL --mint MINT)

  --port N            port for HTTP and the worker/renter sockets (default 7070; 0 picks a free one)
  --host ADDR         address to bind (default 127.0.0.1; 0.0.0.0 serves your LAN)
  --data-dir DIR      where hub.db (and the sandbox chain) live (default ./.idlegrid-data/hub)
  --domain NAME       the name sign-in challenges carry (default host:port)
  --sandbox-chain     serve this hub's own sandbox chain (test SOL and ${PAYMENT_TOKEN.symbol}) and check payments on it
  --chain-port N      port of that sandbox chain (default 0: any free port; /v1/info tells clients)
  --rpc URL           or: check payments on this Solana RPC (devnet, mainnet, custom) …
  --mint MINT         … in this ${PAYMENT_TOKEN.symbol} mint
  --commitment C      confirmed (default) or finalized
  --connect-rate N    worker hellos per second from one address (default 200; raise it when many
                      machines share one address, e.g. a farm behind NAT)

Timing (ms), for private grids and tests: --increment-ms, --grace-ms, --reservation-ttl-ms,
--heartbeat-interval-ms, --supplier-lost-grace-ms, --start-deadline-ms, --refund-deadline-ms, --tick-ms`;

const TIMING_FLAGS: Record<string, keyof HubTiming> = {
  'increment-ms': 'incrementMs',
  'grace-ms': 'graceMs',
  'reservation-ttl-ms': 'reservationTtlMs',
  'heartbeat-interval-ms': 'heartbeatIntervalMs',
  'supplier-lost-grace-ms': 'supplierLostGraceMs',
  'start-deadline-ms': 'startDeadlineMs',
  'refund-deadline-ms': 'refundDeadlineMs',
  'tick-ms': 'tickMs',
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
        domain: { type: 'string' },
        'sandbox-chain': { type: 'boolean' },
        'chain-port': { type: 'string' },
        rpc: { type: 'string' },
        mint: { type: 'string' },
        commitment: { type: 'string' },
        'connect-rate': { type: 'string' },
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
  let hub;
  try {
    const connectsPerSec = wholeNumber('connect-rate', values['connect-rate'] as string | undefined, DEFAULT_HUB_LIMITS.connectsPerSec, 1);
    const limits = { connectsPerSec, connectBurst: Math.max(DEFAULT_HUB_LIMITS.connectBurst, connectsPerSec * 5) };
    hub = await startHub({ logger, dataDir, host, port, ...(values.domain ? { domain: values.domain as string } : {}), chain: chain.config, timing, limits });
  } catch (error) {
    await chain.stop();
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} is already in use, so the hub cannot listen there. Pick another --port or stop the other program.`
        : `The hub could not start: ${errorText(error)}`,
    );
    process.exit(1);
  }
  console.log(`Idlegrid hub: ${hub.url}  (data in ${dataDir})`);
  console.log(`Chain: ${chain.config.network}${chain.config.rpcUrl ? ` at ${chain.config.rpcUrl}` : ''}, ${(chain.config.token ?? PAYMENT_TOKEN).symbol} mint ${chain.config.mint}`);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    console.log(`Listening on ${host}: machines on your network can reach this hub. Workers connect to ${hub.url.replace(host, '<this machine>')}.`);
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
