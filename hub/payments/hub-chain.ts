import { join } from 'node:path';
import { SandboxChainServer } from '../../solana/sandbox/sandbox-chain-server';
import type { HubChainConfig } from '../hub-server';
import { ChainPaymentCheck } from './chain-payment-check';
import type { Logger } from '../../common/logger';

export type HubChainChoice =
  | { kind: 'sandbox'; dataDir: string; host: string; port: number; slotIntervalMs?: number; logger: Logger }
  | { kind: 'rpc'; rpcUrl: string; mint: string; network?: string; commitment?: 'confirmed' | 'finalized' };

export interface OpenHubChain {
  config: HubChainConfig;
  /** Stops the sandbox chain the hub serves, if it serves one. */
  stop(): Promise<void>;
}

/**
 * The chain a hub checks payments on: its own sandbox chain (started here, served on
 * loopback or the LAN so a private grid's machines pay on it too), or any Solana RPC with
 * a mint of the payment token (devnet, mainnet, a custom cluster).
 */
export async function openHubChain(choice: HubChainChoice): Promise<OpenHubChain> {
  if (choice.kind === 'rpc') {
    return {
      config: { network: choice.network ?? networkOf(choice.rpcUrl), mint: choice.mint, rpcUrl: choice.rpcUrl, payments: ChainPaymentCheck.forRpc(choice.rpcUrl, choice.commitment) },
      stop: async () => undefined,
    };
  }
  const server = new SandboxChainServer({
    dataDir: join(choice.dataDir, 'sandbox-chain'),
    logger: choice.logger,
    host: choice.host,
    port: choice.port,
    ...(choice.slotIntervalMs !== undefined ? { slotIntervalMs: choice.slotIntervalMs } : {}),
  });
  await server.start();
  return {
    config: { network: 'sandbox', mint: server.chain.usdcMint, rpcUrl: server.url, payments: ChainPaymentCheck.forRpc(server.url) },
    stop: () => server.stop(),
  };
}

function networkOf(rpcUrl: string): string {
  if (/devnet/.test(rpcUrl)) return 'devnet';
  if (/mainnet/.test(rpcUrl)) return 'mainnet';
  return 'custom';
}
