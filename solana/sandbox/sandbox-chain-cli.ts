import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SandboxChainServer } from './sandbox-chain-server';
import pino from 'pino';
import { errorText } from '../../common/errors';
import { jsonLoggerOptions } from '../../common/logger';

// `npm run sandbox-chain -- --port N --data-dir D`: the sandbox chain on its own, for a
// private grid's machines to share or for poking at it with any Solana client.
const USAGE = `Usage: npm run sandbox-chain -- [--port N] [--host ADDR] [--data-dir DIR] [--slot-ms N]

  --port N       port to listen on (default 8899; 0 picks a free one)
  --host ADDR    address to bind (default 127.0.0.1)
  --data-dir DIR where chain.db lives (default ./.idlegrid-data/sandbox-chain)
  --slot-ms N    milliseconds per slot (default 400)`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'slot-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${errorText(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? 8899);
  const slotIntervalMs = Number(values['slot-ms'] ?? 400);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(slotIntervalMs) || slotIntervalMs < 0) {
    console.error(`--port must be 0–65535 and --slot-ms a whole number.\n\n${USAGE}`);
    process.exit(2);
  }
  const dataDir = resolve(values['data-dir'] ?? '.idlegrid-data/sandbox-chain');
  const server = new SandboxChainServer({ logger: pino(jsonLoggerOptions('info'), pino.destination({ fd: 1, sync: true })), dataDir, port, host: values.host ?? '127.0.0.1', slotIntervalMs });
  try {
    await server.start();
  } catch (error) {
    console.error(`The sandbox chain could not start: ${errorText(error)}`);
    process.exit(1);
  }
  console.log(`Sandbox chain: ${server.url}  (data in ${dataDir})`);
  console.log(`USDC mint: ${server.chain.usdcMint}  faucet: ${server.chain.faucetAddress}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping…`);
    void server.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
