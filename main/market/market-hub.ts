import { ApiError } from '../../common/api/errors';
import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import { HubError } from '../../common/hub/hub-errors';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import type { Settings } from '../../common/settings';
import type { MarketHubStatus } from '../../common/market/market-hub-types';
import type { NetworkInfo } from '../../common/wallet/network';
import { startEmbeddedHub } from './embedded-hub';
import type { HubTiming, RunningHub } from './embedded-hub';
import { normaliseHubUrl } from '../../common/hub/hub-url';
import type { SettingsStore } from '../settings/settings-store';
import type { WalletModule } from '../wallet/wallet-module';
import type { Logger } from '../../common/logger';
import { errorText } from '../../common/errors';

export interface MarketHubOptions {
  dataDir: string;
  settings: SettingsStore;
  events: EventBus<ApiEventMap>;
  wallet: WalletModule;
  /** Tests: shorter increments and heartbeats for the embedded hub. */
  embeddedTiming?: Partial<HubTiming>;
  /** Scope 'market' in the app's log; the embedded hub logs under it as 'hub'. */
  logger: Logger;
}

/** How often a private grid's hub that did not answer is tried again. */
const GRID_RETRY_MS = 15_000;

type Target = { mode: 'embedded'; chain: NetworkInfo } | { mode: 'grid'; hubUrl: string } | { mode: 'none'; reason: string };

/**
 * Which hub the market talks to, and the signed-in session with it. On Sandbox the app
 * runs its own hub in-process (on a loopback port, over the embedded sandbox chain), so a
 * newcomer can lend and rent on one machine; on a private grid it is the hub at the URL
 * in Settings. The session token is made by signing the hub's challenge with the active
 * wallet and is made again when the wallet changes or the hub forgets it.
 *
 * The supplier session and the renter client use `url()`, `token()` and `withSession()`;
 * they listen to `market:hub` to follow a change of hub.
 */
export class MarketHub {
  private current: MarketHubStatus = { mode: 'none', hubUrl: null, status: 'starting', error: null, info: null, signedInAs: null };
  private embedded: RunningHub | null = null;
  private embeddedKey: string | null = null;
  /** Hub sessions by wallet address (each wallet signs in on its own). */
  private readonly sessions = new Map<string, { hubUrl: string; token: string; expiresAtMs: number }>();
  private readonly signingIn = new Map<string, Promise<string>>();
  private queue: Promise<unknown> = Promise.resolve();
  private offs: Array<() => void> = [];
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: MarketHubOptions) {}

  status(): MarketHubStatus {
    return this.current;
  }

  /** The hub's base URL; `unavailable` (with what to do) while there is none. */
  url(): string {
    if (this.current.status !== 'ready' || !this.current.hubUrl) {
      throw new ApiError('unavailable', this.current.error ?? 'The market hub is still starting. Try again in a moment.', 'hub_not_ready');
    }
    return this.current.hubUrl;
  }

  /** The hub in-process on Sandbox (tests and benches read its state). */
  embeddedHub(): RunningHub | null {
    return this.embedded;
  }

  /** A client without a session: search and the explorer need none. */
  publicClient(): HubHttpClient {
    return new HubHttpClient({ baseUrl: this.url() });
  }

  /**
   * A session token on the current hub for a wallet of the vault (the active one by
   * default), signing in when needed. The supplier session passes its payout wallet, so
   * switching the active wallet to rent does not change who the machine's supplier is.
   */
  async token(address?: string): Promise<string> {
    const hubUrl = this.url();
    const who = address ?? this.o.wallet.vault.activeAddress();
    if (!who) throw new ApiError('unavailable', 'Create or import a wallet first (Wallet): the hub knows you by your wallet address.', 'no_wallet');
    const s = this.sessions.get(who);
    if (s && s.hubUrl === hubUrl && s.expiresAtMs - Date.now() > 60_000) return s.token;
    let pending = this.signingIn.get(who);
    if (!pending) {
      pending = this.signIn(hubUrl, who).finally(() => this.signingIn.delete(who));
      this.signingIn.set(who, pending);
    }
    return pending;
  }

  /** Runs `fn` with a client signed in as `address` (the active wallet by default); signs in again once if the hub forgot the session. */
  async withSession<T>(fn: (client: HubHttpClient) => Promise<T>, address?: string): Promise<T> {
    const attempt = async () => fn(new HubHttpClient({ baseUrl: this.url(), token: await this.token(address) }));
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof HubError && error.code === 'unauthenticated') {
        this.sessions.delete(address ?? this.o.wallet.vault.activeAddress() ?? '');
        return attempt();
      }
      throw error;
    }
  }

  async start(): Promise<void> {
    this.offs.push(
      this.o.events.on('network:changed', () => void this.follow()),
      this.o.events.on('settings:changed', () => void this.follow()),
      this.o.events.on('wallet:changed', (state) => {
        // `signedInAs` is about the active wallet (the renter); other sessions stay.
        const active = state.activeAddress;
        const signedInAs = active && this.sessions.get(active)?.hubUrl === this.current.hubUrl ? active : null;
        if (signedInAs !== this.current.signedInAs) this.publish({ ...this.current, signedInAs });
      }),
    );
    await this.follow();
  }

  /** Tries the hub again (the user fixed the URL, or started the hub). */
  async reconnect(): Promise<MarketHubStatus> {
    this.embeddedKey = null;
    await this.follow(true);
    return this.current;
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.queue;
    await this.closeEmbedded();
  }

  private follow(force = false): Promise<void> {
    const run = this.queue.then(() => this.moveTo(this.target(this.o.settings.get()), force));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private target(settings: Settings): Target {
    const chain = this.o.wallet.network.info();
    if (settings.network === 'sandbox') return { mode: 'embedded', chain };
    if (settings.network === 'grid') return { mode: 'grid', hubUrl: settings.hubUrl };
    return { mode: 'none', reason: `There is no public Idlegrid hub on ${chain.label} yet. Choose Sandbox, or a private grid with its hub's address, in Settings → Wallet and network.` };
  }

  private async moveTo(target: Target, force: boolean): Promise<void> {
    if (target.mode === 'none') {
      await this.closeEmbedded();
      this.publish({ mode: 'none', hubUrl: null, status: 'error', error: target.reason, info: null, signedInAs: null });
      return;
    }
    if (target.mode === 'grid') {
      await this.closeEmbedded();
      const hubUrl = normaliseHubUrl(target.hubUrl);
      if (!hubUrl) {
        this.publish({ mode: 'grid', hubUrl: null, status: 'error', error: 'Enter the private grid hub address in Settings, e.g. http://192.168.1.10:7070.', info: null, signedInAs: null });
        return;
      }
      // Same hub, already answered (ready or error): nothing to do unless asked to retry.
      if (!force && this.current.mode === 'grid' && this.current.hubUrl === hubUrl && this.current.status !== 'starting') return;
      this.publish({ mode: 'grid', hubUrl, status: 'starting', error: null, info: null, signedInAs: null });
      try {
        const info = await new HubHttpClient({ baseUrl: hubUrl }).info();
        this.publish({ mode: 'grid', hubUrl, status: 'ready', error: null, info, signedInAs: null });
      } catch (error) {
        this.publish({ mode: 'grid', hubUrl, status: 'error', error: `${errorText(error)}`, info: null, signedInAs: null });
        this.retryLater();
      }
      return;
    }
    // Embedded: wait for the sandbox chain, then run the hub over it.
    const chain = target.chain;
    if (chain.status !== 'ready' || !chain.rpcUrl) {
      await this.closeEmbedded();
      this.publish({ mode: 'embedded', hubUrl: null, status: chain.status === 'error' ? 'error' : 'starting', error: chain.status === 'error' ? `The sandbox chain did not start: ${chain.error}` : null, info: null, signedInAs: null });
      return;
    }
    const key = `${chain.rpcUrl}|${chain.usdcMint}`;
    if (!force && this.embedded && this.embeddedKey === key) return;
    await this.closeEmbedded();
    this.publish({ mode: 'embedded', hubUrl: null, status: 'starting', error: null, info: null, signedInAs: null });
    try {
      const hub = await startEmbeddedHub(this.o.dataDir, chain, this.o.logger.child({ scope: 'hub' }), this.o.embeddedTiming);
      this.embedded = hub;
      this.embeddedKey = key;
      const info = await new HubHttpClient({ baseUrl: hub.url }).info();
      this.publish({ mode: 'embedded', hubUrl: hub.url, status: 'ready', error: null, info, signedInAs: null });
    } catch (error) {
      this.o.logger.error({ err: error }, 'the embedded hub did not start');
      this.publish({ mode: 'embedded', hubUrl: null, status: 'error', error: `The embedded hub did not start: ${errorText(error)}`, info: null, signedInAs: null });
    }
  }

  /** A grid hub that did not answer is tried again now and then (it may be starting). */
  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.current.status === 'error' && this.current.mode === 'grid') void this.follow(true);
    }, GRID_RETRY_MS);
    this.retryTimer.unref();
  }

  private async signIn(hubUrl: string, address: string): Promise<string> {
    const client = new HubHttpClient({ baseUrl: hubUrl });
    const wallet = this.o.wallet.service;
    const session = await client.signIn(address, async (message) => (await wallet.signHubSignIn(message, address)).signature);
    this.sessions.set(address, { hubUrl, token: session.token, expiresAtMs: session.expiresAtMs });
    if (this.current.hubUrl === hubUrl && address === this.o.wallet.vault.activeAddress()) this.publish({ ...this.current, signedInAs: address });
    return session.token;
  }

  private async closeEmbedded(): Promise<void> {
    const hub = this.embedded;
    this.embedded = null;
    this.embeddedKey = null;
    this.sessions.clear();
    if (hub) await hub.close();
  }

  private publish(status: MarketHubStatus): void {
    this.current = status;
    this.o.events.emit('market:hub', status);
  }
}
