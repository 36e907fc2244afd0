import { isAddress } from '@solana/kit';
import type { Address } from '@solana/kit';
import { ApiError } from '../../common/api/errors';
import { Sequencer } from '../../common/async';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { Settings, SettingsPatch } from '../../common/settings';
import { NETWORK_PRESETS, networkLabel, paymentTokenOn } from '../../common/wallet/network';
import { PAYMENT_TOKEN, TOKENS } from '../../common/money/token-registry';
import type { NetworkInfo, NetworkKind } from '../../common/wallet/network';
import { SandboxChainServer } from '../../solana/sandbox/sandbox-chain-server';
import { ChainClient } from '../../solana/rpc/chain-client';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { isPlainHttpBeyondPrivate, normaliseHubUrl } from '../../common/hub/hub-url';
import type { SettingsStore } from '../settings/settings-store';
import { HubTls, hubTlsError } from '../market/hub-tls';
import type { HubInfo } from '../../common/hub/http-api';
import type { Logger } from '../../common/logger';
import { errorText } from '../../common/errors';

/** A network as the service runs it: the kind, its RPC and USDC mint, and for a grid its hub. */
export interface NetworkConfig {
  kind: NetworkKind;
  rpcUrl: string;
  /** The payment token's symbol (common/money's registry) and its mint on this network. */
  token: string;
  mint: string;
  /** 'grid' only: the hub whose /v1/info names the chain. */
  hubUrl?: string;
  /** 'grid' only: the network the hub named (sandbox chains have a faucet). */
  hubNetwork?: string;
}

export interface NetworkServiceDeps {
  /** Where the embedded sandbox chain keeps chain.db. */
  sandboxDataDir: string;
  /** Where a network the user picks is saved (the service follows the settings). */
  settings: SettingsStore;
  /** Port for the embedded chain (0, the default, picks a free one). */
  sandboxPort?: number;
  /** Slot length of the embedded chain (tests use 0: slots advance per transaction). */
  sandboxSlotIntervalMs?: number;
  /** Scope 'wallet'; the sandbox chain logs under it as 'sandbox-chain'. */
  logger: Logger;
}

export function networkConfigFromSettings(settings: Settings): NetworkConfig {
  switch (settings.network) {
    case 'devnet':
    case 'mainnet':
      return { kind: settings.network, ...NETWORK_PRESETS[settings.network], token: PAYMENT_TOKEN.symbol, mint: PAYMENT_TOKEN.mint({ kind: settings.network }) ?? '' };
    case 'custom':
      return { kind: 'custom', rpcUrl: settings.customRpcUrl, token: PAYMENT_TOKEN.symbol, mint: settings.customUsdcMint };
    case 'grid':
      // The chain and its token are the ones the grid's hub names in /v1/info (read when switching).
      return { kind: 'grid', rpcUrl: '', token: PAYMENT_TOKEN.symbol, mint: '', hubUrl: settings.hubUrl };
    default:
      return { kind: 'sandbox', rpcUrl: '', token: PAYMENT_TOKEN.symbol, mint: '' };
  }
}

/** Refuses a custom network that cannot work, with the reason in words. */
export function validateCustomNetwork(rpcUrl: string, mint: string): void {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new ApiError('invalid_params', 'Enter the RPC URL in full, such as https://api.devnet.solana.com.', 'rpc_url_missing');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('invalid_params', 'The RPC URL must start with https:// (or http:// for a node on your own network).', 'rpc_url_scheme');
  }
  if (!isAddress(mint)) throw new ApiError('invalid_params', `Enter the ${PAYMENT_TOKEN.symbol} mint as a Solana address (32–44 base58 characters).`, 'mint_invalid');
}

/**
 * Which Solana network the wallet talks to, from the settings: on Sandbox (the default)
 * it runs the embedded sandbox chain on a loopback port; otherwise it points a client
 * at the cluster's RPC URL. Switching stops what the old network needed. Every change is
 * announced as `network:changed`, so the badge next to money is never stale.
 */
export class NetworkService {
  private config: NetworkConfig | null = null;
  private current: NetworkInfo = { kind: 'sandbox', label: 'Sandbox', rpcUrl: '', ...paymentTokenOn('sandbox'), status: 'starting', error: null, faucet: true };
  private chainClient: ChainClient | null = null;
  private sandbox: SandboxChainServer | null = null;
  /** Switches run one at a time, in the order asked. */
  private readonly switches = new Sequencer();
  private readonly changed = new Emitter<NetworkInfo>();
  readonly onDidChange: Event<NetworkInfo> = this.changed.event;

  constructor(private readonly options: NetworkServiceDeps) {}

  info(): NetworkInfo {
    return this.current;
  }

  /** The client for the current network; `unavailable` while it starts or after it failed. */
  client(): ChainClient {
    if (!this.chainClient || this.current.status !== 'ready') {
      throw new ApiError(
        'unavailable',
        this.current.status === 'starting'
          ? `The ${this.current.label} network is still starting. Try again in a moment.`
          : `The ${this.current.label} network is not available: ${this.current.error ?? 'unknown error'}`,
        'network_not_ready',
      );
    }
    return this.chainClient;
  }

  /** The mint of the network's payment token. */
  paymentMint(): Address {
    this.client();
    return this.current.mint as Address;
  }

  /** The embedded sandbox chain, when the network is Sandbox and it runs. */
  sandboxChain(): SandboxChainServer | null {
    return this.sandbox;
  }

  /**
   * Brings the network in line with the settings; calls are serialised and unchanged
   * settings cost nothing, except that `retry` tries a network that failed once more.
   */
  apply(settings: Settings, options: { retry?: boolean } = {}): Promise<NetworkInfo> {
    const next = networkConfigFromSettings(settings);
    return this.switches.queue(() => this.switchTo(next, options.retry ?? false));
  }

  /**
   * The user's choice of network (`network:set`): checked, applied at once (a network that
   * failed is tried again), then saved in the settings, whose announcement reaches the rest.
   */
  async select(choice: { kind: NetworkKind; rpcUrl?: string | undefined; usdcMint?: string | undefined; hubUrl?: string | undefined; acceptPlainHttp?: boolean | undefined }): Promise<NetworkInfo> {
    const { kind, rpcUrl, usdcMint, hubUrl } = choice;
    if (kind === 'custom') validateCustomNetwork(rpcUrl ?? '', usdcMint ?? '');
    const gridHub = kind === 'grid' ? normaliseHubUrl(hubUrl ?? '') : null;
    if (kind === 'grid' && !gridHub) throw new ApiError('invalid_params', 'Enter the private grid hub address, e.g. http://192.168.1.10:7070.', 'grid_hub_missing');
    // Beyond loopback and private ranges, plain http would carry the wallet's sign-in and
    // session token in clear: only after the user has seen that warning.
    if (gridHub && isPlainHttpBeyondPrivate(gridHub) && choice.acceptPlainHttp !== true) {
      throw new ApiError(
        'invalid_params',
        `${gridHub} is plain HTTP beyond your own network: your sign-in and session with that hub would cross the internet unencrypted, and anyone on the way could act as you there. Use the hub's https:// address, or confirm that you accept this.`,
        'plain_http_hub',
      );
    }
    const patch: SettingsPatch =
      kind === 'custom'
        ? { network: kind, customRpcUrl: rpcUrl ?? '', customUsdcMint: usdcMint ?? '' }
        : kind === 'grid'
          ? { network: kind, hubUrl: gridHub ?? '' }
          : { network: kind };
    // Applied before the settings change is announced, so the announcement's own apply finds nothing to do.
    const previous = this.options.settings.get();
    const info = await this.apply({ ...previous, ...patch }, { retry: true });
    if (kind === 'grid' && info.status === 'error') {
      // A mistyped or unreachable hub address must not leave the app on a network that
      // does not work: back to the one the settings still name, and say why.
      const reason = info.error ?? 'the hub did not answer';
      await this.apply(previous, { retry: true });
      throw new ApiError('unavailable', `Not switched to the private grid at ${gridHub}: ${reason} The app stays on ${networkLabel(previous.network)}.`, 'grid_unreachable');
    }
    this.options.settings.update(patch);
    return info;
  }

  async stop(): Promise<void> {
    await this.switches.idle();
    this.config = null;
    this.chainClient?.close();
    this.chainClient = null;
    const sandbox = this.sandbox;
    this.sandbox = null;
    await sandbox?.stop();
  }

  private async switchTo(next: NetworkConfig, retry: boolean): Promise<NetworkInfo> {
    if (this.config && sameConfig(this.config, next) && (this.current.status !== 'error' || !retry)) return this.current;
    this.config = next;
    this.chainClient?.close();
    this.chainClient = null;
    if (next.kind !== 'sandbox' && this.sandbox) {
      const sandbox = this.sandbox;
      this.sandbox = null;
      await sandbox.stop();
    }
    this.publish({ kind: next.kind, label: networkLabel(next.kind), rpcUrl: next.rpcUrl, token: next.token, mint: next.mint, decimals: TOKENS.get(next.token).decimals, status: 'starting', error: null, faucet: next.kind === 'sandbox' });
    try {
      if (next.kind === 'sandbox') {
        if (!this.sandbox) {
          const sandbox = new SandboxChainServer({
            dataDir: this.options.sandboxDataDir,
            logger: this.options.logger.child({ scope: 'sandbox-chain' }),
            port: this.options.sandboxPort ?? 0,
            host: '127.0.0.1',
            slotIntervalMs: this.options.sandboxSlotIntervalMs,
          });
          await sandbox.start();
          this.sandbox = sandbox;
        }
        const client = new ChainClient(this.sandbox.url);
        this.chainClient = client;
        this.publish({ ...this.current, rpcUrl: this.sandbox.url, mint: this.sandbox.chain.usdcMint, decimals: this.sandbox.chain.usdcDecimals, status: 'ready' });
      } else {
        // `next` stays as the settings say (so the same settings compare equal); the grid's chain is resolved beside it.
        const resolved: NetworkConfig = next.kind === 'grid' ? { ...next, ...(await chainOfGrid(next.hubUrl ?? '', this.options.settings.get().pinnedHubCertificates)) } : next;
        if (resolved.kind === 'custom') validateCustomNetwork(resolved.rpcUrl, resolved.mint);
        const client = new ChainClient(resolved.rpcUrl);
        // Reading the mint proves the endpoint answers and the mint exists there.
        const mint = await withTimeout(client.mintInfo(resolved.mint as Address), 15_000, `${resolved.rpcUrl} did not answer within 15 s`);
        this.chainClient = client;
        this.publish({ ...this.current, rpcUrl: resolved.rpcUrl, token: resolved.token, mint: resolved.mint, decimals: mint.decimals, status: 'ready', faucet: resolved.kind === 'grid' && resolved.hubNetwork === 'sandbox' });
      }
    } catch (error) {
      this.options.logger.error({ err: error, network: next.kind }, 'the network failed to start');
      this.publish({ ...this.current, status: 'error', error: errorText(error) });
    }
    return this.current;
  }

  private publish(info: NetworkInfo): void {
    this.current = info;
    this.changed.fire(info);
  }
}

function sameConfig(a: NetworkConfig, b: NetworkConfig): boolean {
  return a.kind === b.kind && a.rpcUrl === b.rpcUrl && a.token === b.token && a.mint === b.mint && a.hubUrl === b.hubUrl;
}

/** Asks a private grid's hub which chain it checks payments on. */
async function chainOfGrid(hubUrlText: string, pins: Readonly<Record<string, string>>): Promise<{ rpcUrl: string; token: string; mint: string; hubNetwork: string }> {
  const hubUrl = normaliseHubUrl(hubUrlText);
  if (!hubUrl) throw new ApiError('invalid_params', 'Enter the private grid hub address, e.g. http://192.168.1.10:7070.', 'grid_hub_missing');
  // Through the certificate the user accepted, for a self-signed hub.
  const tls = new HubTls(() => pins);
  const { fetch } = tls.transport(hubUrl);
  let info: HubInfo;
  try {
    info = await withTimeout(new HubHttpClient({ baseUrl: hubUrl, ...(fetch ? { fetch } : {}) }).info(), 15_000, `The hub at ${hubUrl} did not answer within 15 s`);
  } catch (error) {
    throw hubTlsError(hubUrl, error) ?? error;
  } finally {
    tls.dispose();
  }
  if (!info.rpcUrl) {
    throw new ApiError('unavailable', `The hub at ${hubUrl} does not say where its chain is (${info.network}). Ask its operator for the RPC URL and mint, and choose Custom.`, 'grid_chain_unknown');
  }
  const token = TOKENS.find(info.token ?? PAYMENT_TOKEN.symbol);
  if (!token) {
    throw new ApiError('unavailable', `The hub at ${hubUrl} takes payments in ${String(info.token).slice(0, 20)}, which this version of the app does not know (it pays in ${TOKENS.symbols().join(', ')}). Update the app or ask the grid's operator.`);
  }
  return { rpcUrl: info.rpcUrl, token: token.symbol, mint: info.mint, hubNetwork: info.network };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ApiError('unavailable', `${message}. Check the URL and your connection.`, 'network_timeout')), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
