import { join } from 'node:path';
// The one place main/ reaches into hub/: Sandbox runs the hub in-process over the app's
// own sandbox chain. Everywhere else the app talks to a hub only over hub-client/.
import { ChainPaymentCheck, startHub } from '../../hub';
import type { HubTiming, RunningHub } from '../../hub';
import { TOKENS } from '../../common/money/token-registry';
import type { Logger } from '../../common/logger';

export type { HubTiming, RunningHub };

/** The app's sandbox chain as the network names it: where it is, its payment token and that token's mint. */
export interface EmbeddedHubChain {
  rpcUrl: string;
  token: string;
  mint: string;
}

/** Starts the Sandbox hub on loopback under `<dataDir>/hub`, checking payments on `chain`. */
export function startEmbeddedHub(dataDir: string, chain: EmbeddedHubChain, logger: Logger, timing?: Partial<HubTiming>): Promise<RunningHub> {
  return startHub({
    logger,
    dataDir: join(dataDir, 'hub'),
    host: '127.0.0.1',
    port: 0,
    // A stable name: the port changes at every start, and payment memos name the hub.
    hubId: 'sandbox.idlegrid.local',
    // Test money on one machine: a newcomer's caps would only stop someone trying the app.
    limits: { newcomerCaps: false },
    chain: { network: 'sandbox', token: TOKENS.get(chain.token), mint: chain.mint, rpcUrl: chain.rpcUrl, payments: ChainPaymentCheck.forRpc(chain.rpcUrl) },
    ...(timing ? { timing } : {}),
  });
}
