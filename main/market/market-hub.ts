import { ApiError } from '../../common/api/errors';
import { Sequencer } from '../../common/async';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import { DisposableStore, MutableDisposable, disposableTimeout } from '../../common/lifecycle';
import { HubError } from '../../common/hub/hub-errors';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { HubTls, hubTlsError } from './hub-tls';
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
import type { SessionAudience } from '../../common/hub/sign-in-message';

function sessionKey(address: string, audience: SessionAudience): string {
  return `${audience}:${address}`;
}

export interface MarketHubDeps {
  dataDir: string;
  settings: SettingsStore;
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
 * they listen to `onDidChangeStatus` (the UI's `market:hub`) to follow a change of hub.
 */
export class MarketHub {
  private current: MarketHubStatus = { mode: 'none', hubUrl: null, status: 'starting', error: null, info: null, signedInAs: null };
  private embedded: RunningHub | null = null;
  private embeddedKey: string | null = null;
  /** Hub sessions by wallet address and audience (each wallet signs in on its own, as renter and as worker). */
  private readonly sessions = new Map<string, { hubUrl: string; token: string; expiresAtMs: number }>();
  private readonly signingIn = new Map<string, Promise<string>>();
  /** Moves from hub to hub run one at a time. */
  private readonly moves = new Sequencer();
  private readonly disposables = new DisposableStore({ name: 'MarketHub' });
  private readonly retryTimer = this.disposables.add(new MutableDisposable());
  private readonly statusChanged = this.disposables.add(new Emitter<MarketHubStatus>());
  readonly onDidChangeStatus: Event<MarketHubStatus> = this.statusChanged.event;

  /** Pinned certificates of self-signed hubs (Settings → `pinnedHubCertificates`). */
  readonly tls: HubTls;

  constructor(private readonly o: MarketHubDeps) {
    this.tls = new HubTls(() => o.settings.get().pinnedHubCertificates);
    this.disposables.add({ dispose: () => this.tls.dispose() });
  }

  /** A client for `hubUrl`, through the pinned certificate when the user accepted one. */
  client(hubUrl: string, token?: string): HubHttpClient {
    const { fetch } = this.tls.transport(hubUrl);
    return new HubHttpClient({ baseUrl: hubUrl, ...(token !== undefined ? { token } : {}), ...(fetch ? { fetch } : {}) });
  }

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
    return this.client(this.url());
  }

  /**
   * A session token on the current hub for a wallet of the vault (the active one by
   * default), signing in when needed. The supplier session passes its payout wallet, so
   * switching the active wallet to rent does not change who the machine's supplier is.
   */
  async token(address?: string, audience: SessionAudience = 'renter'): Promise<string> {
    const hubUrl = this.url();
    const who = address ?? this.o.wallet.vault.activeAddress();
    if (!who) throw new ApiError('unavailable', 'Create or import a wallet first (Wallet): the hub knows you by your wallet address.', 'no_wallet');
    const key = sessionKey(who, audience);
    const s = this.sessions.get(key);
    if (s && s.hubUrl === hubUrl && s.expiresAtMs - Date.now() > 60_000) return s.token;
    let pending = this.signingIn.get(key);
    if (!pending) {
      pending = this.signIn(hubUrl, who, audience).finally(() => this.signingIn.delete(key));
      this.signingIn.set(key, pending);
    }
    return pending;
  }

  /** Drops a session the hub refused (revoked or forgotten), so the next `token()` signs in again. */
  forgetSession(address: string, audience: SessionAudience, token?: string): void {
    const key = sessionKey(address, audience);
    if (token === undefined || this.sessions.get(key)?.token === token) this.sessions.delete(key);
  }

  /** Runs `fn` with a client signed in as `address` (the active wallet by default) as a renter; signs in again once if the hub forgot the session. */
  async withSession<T>(fn: (client: HubHttpClient) => Promise<T>, address?: string): Promise<T> {
    const attempt = async () => fn(this.client(this.url(), await this.token(address)));
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof HubError && error.code === 'unauthenticated') {
        this.sessions.delete(sessionKey(address ?? this.o.wallet.vault.activeAddress() ?? '', 'renter'));
        return attempt();
      }
      throw error;
    }
  }

  /**
   * Sign out (`market:sign-out`): every session this app holds at the current hub is
   * revoked there and forgotten here. The next market call signs in afresh; a machine
   * that is sharing reconnects with a new worker session.
   */
  async signOut(): Promise<MarketHubStatus> {
    const hubUrl = this.current.hubUrl;
    const ours = [...this.sessions.entries()].filter(([, s]) => s.hubUrl === hubUrl);
    for (const [key] of ours) this.sessions.delete(key);
    const failures: string[] = [];
    await Promise.all(
      ours.map(async ([, s]) => {
        try {
          await this.client(s.hubUrl, s.token).signOut();
        } catch (error) {
          // Unauthenticated means the hub has already forgotten it: signed out all the same.
          if (!(error instanceof HubError && error.code === 'unauthenticated')) failures.push(errorText(error));
        }
      }),
    );
    if (this.current.signedInAs !== null) this.publish({ ...this.current, signedInAs: null });
    if (failures.length > 0) {
      throw new ApiError('unavailable', `Signed out here, but the hub could not be told (${failures[0]}); its sessions end when they expire. Try again when the hub is reachable.`, 'sign_out_incomplete');
    }
    return this.current;
  }

  async start(): Promise<void> {
    this.o.wallet.network.onDidChange(() => void this.follow(), this.disposables);
    this.o.settings.onDidChange(() => void this.follow(), this.disposables);
    this.o.wallet.onDidChangeWallet((state) => {
      // `signedInAs` is about the active wallet (the renter); other sessions stay.
      const active = state.activeAddress;
      const signedInAs = active && this.sessions.get(sessionKey(active, 'renter'))?.hubUrl === this.current.hubUrl ? active : null;
      if (signedInAs !== this.current.signedInAs) this.publish({ ...this.current, signedInAs });
    }, this.disposables);
    await this.follow();
  }

  /** Tries the hub again (the user fixed the URL, or started the hub). */
  async reconnect(): Promise<MarketHubStatus> {
    this.embeddedKey = null;
    await this.follow(true);
    return this.current;
  }

  /** Stops following the settings, waits for a move under way, and closes the embedded hub. */
  async dispose(): Promise<void> {
    await this.disposables.dispose();
    await this.moves.idle();
    await this.closeEmbedded();
  }

  private follow(force = false): Promise<void> {
    return this.moves.queue(() => this.moveTo(this.target(this.o.settings.get()), force));
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
        const info = await this.client(hubUrl).info();
        this.publish({ mode: 'grid', hubUrl, status: 'ready', error: null, info, signedInAs: null });
      } catch (error) {
        this.publish({ mode: 'grid', hubUrl, status: 'error', error: hubTlsError(hubUrl, error)?.message ?? errorText(error), info: null, signedInAs: null });
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
    const key = `${chain.rpcUrl}|${chain.token}|${chain.mint}`;
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
    if (this.retryTimer.value || this.disposables.isDisposed) return;
    this.retryTimer.value = disposableTimeout(() => {
      this.retryTimer.value = null;
      if (this.current.status === 'error' && this.current.mode === 'grid') void this.follow(true);
    }, GRID_RETRY_MS);
  }

  /**
   * Signs in at `hubUrl`: the client refuses a challenge that names another origin than
   * this hub's (a hub relaying another hub's challenge), and the wallet checks the text
   * again before signing it without asking.
   */
  private async signIn(hubUrl: string, address: string, audience: SessionAudience): Promise<string> {
    const client = this.client(hubUrl);
    const wallet = this.o.wallet.service;
    const session = await client.signIn(address, async (message) => (await wallet.signHubSignIn(message, { address, origin: client.origin, audience })).signature, audience);
    this.sessions.set(sessionKey(address, audience), { hubUrl, token: session.token, expiresAtMs: session.expiresAtMs });
    if (audience === 'renter' && this.current.hubUrl === hubUrl && address === this.o.wallet.vault.activeAddress()) this.publish({ ...this.current, signedInAs: address });
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
    this.statusChanged.fire(status);
  }
}
