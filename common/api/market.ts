import { z } from 'zod';
import { call, event } from './define';
import type { ExplorerOverview, MarketHubStatus } from '../market/market-hub-types';
import type { HubCertificate } from '../market/hub-certificate';

const noParams = z.object({}).strict();

/** The hub connection (embedded on Sandbox, a private grid's otherwise) and the explorer. */
export const marketCalls = {
  'market:hub': call<MarketHubStatus>()(noParams),
  /** Tries the hub again now (after fixing the URL or starting it). */
  'market:reconnect': call<MarketHubStatus>()(noParams),
  /** Revokes this app's sessions at the hub (renter and worker) and forgets them; the next market call signs in again. */
  'market:sign-out': call<MarketHubStatus>()(noParams),
  /**
   * The certificate an https hub presents (nothing is sent but the TLS handshake): its
   * SHA-256 fingerprint, to compare with the one its operator gives before accepting it
   * (`settings:update` with `pinnedHubCertificates`, which needs the owner's confirmation).
   */
  'market:hub-certificate': call<HubCertificate>()(z.object({ hubUrl: z.string().url().max(500) }).strict()),
  'explorer:overview': call<ExplorerOverview>()(z.object({ payments: z.number().int().min(1).max(200).default(20) }).strict()),
};

export const marketEvents = {
  'market:hub': event<MarketHubStatus>(),
};
