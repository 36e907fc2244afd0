import './wallet-settings-section.css';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { NetworkBadge } from '../../app/network-badge';
import { SegmentedControl } from '../../components/segmented-control';
import { StatusPill } from '../../components/status-pill';
import { NETWORK_PRESETS } from '../../../../common/wallet/network';
import type { NetworkKind } from '../../../../common/wallet/network';
import { SettingRow } from './setting-row';
import { SettingsSection } from './settings-section';
import { ToggleSwitch } from './toggle-switch';
import { HubCertificateRow } from './hub-certificate-row';
import { PAYMENT_TOKEN } from '../../../../common/money/token-registry';
import { isPlainHttpBeyondPrivate, normaliseHubUrl } from '../../../../common/hub/hub-url';

const NETWORKS = [
  { value: 'sandbox', label: 'Sandbox' },
  { value: 'grid', label: 'Private grid' },
  { value: 'devnet', label: 'Devnet' },
  { value: 'mainnet', label: 'Mainnet' },
  { value: 'custom', label: 'Custom' },
] as const;

const TOKEN = PAYMENT_TOKEN.symbol;

const HINTS: Record<NetworkKind, string> = {
  sandbox: `An embedded Solana chain on this machine, with a faucet for test SOL and test ${TOKEN}. Works offline; nothing has value.`,
  grid: 'A private grid: several machines share one hub (npm run hub). Payments use the chain that hub names.',
  devnet: `Solana's public test network (${NETWORK_PRESETS.devnet.rpcUrl}), with devnet ${TOKEN}. Tokens have no value.`,
  mainnet: `Real money: Solana mainnet (${NETWORK_PRESETS.mainnet.rpcUrl}) and real ${TOKEN}.`,
  custom: `Any Solana RPC endpoint and ${TOKEN} mint, such as a private grid’s chain or your own RPC provider.`,
};

/** Settings → Wallet and network: which network pays, and whether lease payments may go without asking. */
export function WalletSettingsSection() {
  const { wallet, settings: settingsStore, marketHub } = useStores();
  const gridBusy = useStoreState('marketHub', (s) => s.busy === 'grid');
  const gridError = useStoreState('marketHub', (s) => s.error);
  const network = useStoreState('wallet', (s) => s.network);
  const busy = useStoreState('wallet', (s) => s.busy === 'network');
  const error = useStoreState('wallet', (s) => s.error);
  const settings = useStoreState('settings', (s) => s.settings);
  const [kind, setKind] = useState<NetworkKind>(network?.kind ?? 'sandbox');
  const [rpcUrl, setRpcUrl] = useState(settings?.customRpcUrl ?? '');
  const [usdcMint, setUsdcMint] = useState(settings?.customUsdcMint ?? '');
  const [hubUrl, setHubUrl] = useState(settings?.hubUrl ?? '');
  const [acceptPlainHttp, setAcceptPlainHttp] = useState(false);
  const normalisedHub = normaliseHubUrl(hubUrl);
  const plainHttpWarning = kind === 'grid' && normalisedHub !== null && isPlainHttpBeyondPrivate(normalisedHub);

  useEffect(() => {
    if (network) setKind(network.kind);
  }, [network]);
  useEffect(() => {
    if (!settings) return;
    setRpcUrl(settings.customRpcUrl);
    setUsdcMint(settings.customUsdcMint);
    setHubUrl(settings.hubUrl);
  }, [settings]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    // A grid is joined through its hub, which names the chain (the hub store checks the URL first).
    if (kind === 'grid') {
      if (plainHttpWarning && !acceptPlainHttp) return;
      void marketHub.getState().joinGrid(hubUrl, { acceptPlainHttp: plainHttpWarning && acceptPlainHttp });
      return;
    }
    void wallet.getState().setNetwork(kind, kind === 'custom' ? { rpcUrl: rpcUrl.trim(), usdcMint: usdcMint.trim() } : undefined);
  };
  const changed =
    kind !== network?.kind ||
    (kind === 'custom' && (rpcUrl !== settings?.customRpcUrl || usdcMint !== settings?.customUsdcMint)) ||
    (kind === 'grid' && hubUrl.trim() !== settings?.hubUrl);
  const switching = busy || gridBusy;

  return (
    <SettingsSection
      id="wallet"
      title="Wallet and network"
      description={`Payments are ${TOKEN} transfers on the network chosen here; balances and history follow it.`}
      saving={switching}
    >
      <form onSubmit={apply} data-testid="network-form">
        <SettingRow label="Network" hint={HINTS[kind]}>
          <SegmentedControl legend="Network" options={NETWORKS} value={kind} onChange={setKind} testId="setting-network" />
        </SettingRow>
        {kind === 'grid' ? (
          <SettingRow label="Hub URL" htmlFor="settings-hub-url" hint="The address the grid's hub printed when it started (npm run hub), e.g. http://192.168.1.20:7070.">
            <input
              id="settings-hub-url"
              className="text-input mono hub-url-input"
              value={hubUrl}
              onChange={(e) => {
                setHubUrl(e.target.value);
                setAcceptPlainHttp(false);
                if (gridError) marketHub.getState().dismissError();
              }}
              placeholder="http://…"
              spellCheck={false}
              aria-invalid={kind === 'grid' && gridError ? true : undefined}
              data-testid="settings-hub-url"
            />
          </SettingRow>
        ) : null}
        {kind === 'grid' && normalisedHub ? <HubCertificateRow hubUrl={normalisedHub} /> : null}
        {plainHttpWarning ? (
          <div className="field-warning" role="alert" data-testid="settings-plain-http-warning">
            <p>
              <strong>{normalisedHub}</strong> is plain HTTP beyond your own network. Your wallet&apos;s sign-in and your session with this hub would cross the
              internet unencrypted: anyone on the way could act as you there (see your leases, end them). Ask the hub&apos;s operator for its https:// address.
            </p>
            <label className="checkbox-row">
              <input type="checkbox" checked={acceptPlainHttp} onChange={(e) => setAcceptPlainHttp(e.target.checked)} data-testid="settings-accept-plain-http" /> Use this
              plain-HTTP hub anyway
            </label>
          </div>
        ) : null}
        {kind === 'custom' ? (
          <>
            <SettingRow label="RPC URL" htmlFor="setting-rpc-url">
              <input id="setting-rpc-url" className="text-input mono" value={rpcUrl} onChange={(e) => setRpcUrl(e.target.value)} placeholder="https://…" spellCheck={false} data-testid="setting-rpc-url" />
            </SettingRow>
            <SettingRow label={`${TOKEN} mint`} htmlFor="setting-usdc-mint" hint="The token accepted as payment on that network.">
              <input id="setting-usdc-mint" className="text-input mono" value={usdcMint} onChange={(e) => setUsdcMint(e.target.value)} spellCheck={false} data-testid="setting-usdc-mint" />
            </SettingRow>
          </>
        ) : null}
        <SettingRow label="Now using">
          <span className="network-now">
            <NetworkBadge />
            {network ? (
              <StatusPill tone={network.status === 'ready' ? 'ok' : network.status === 'starting' ? 'info' : 'error'} title={network.error ?? undefined} testId="network-status">
                {network.status === 'ready' ? 'Connected' : network.status === 'starting' ? 'Starting…' : 'Not reachable'}
              </StatusPill>
            ) : null}
            <button type="submit" className="button button-small button-primary" disabled={!changed || switching || (plainHttpWarning && !acceptPlainHttp)} data-testid="network-apply">
              Switch network
            </button>
          </span>
        </SettingRow>
        {network?.status === 'error' ? <p className="field-error">{network.error}</p> : null}
        {error && busy === false && changed && kind !== 'grid' ? <p className="field-error">{error}</p> : null}
        {gridError && kind === 'grid' ? (
          <p className="field-error" role="alert" data-testid="settings-grid-error">
            {gridError}
          </p>
        ) : null}
      </form>
      {settings ? (
        <SettingRow
          label="Pay lease increments automatically"
          htmlFor="setting-auto-pay"
          hint="When on, the next increment of a lease you rent is paid without asking, but only within the budget you set for that lease. Everything else always asks."
        >
          <ToggleSwitch
            id="setting-auto-pay"
            checked={settings.autoPayEnabled}
            onChange={(autoPayEnabled) => void settingsStore.getState().update({ autoPayEnabled })}
            testId="setting-auto-pay"
          />
        </SettingRow>
      ) : null}
    </SettingsSection>
  );
}
