import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useSettingsStore, useStores } from '../../app/store-hooks';
import { NetworkBadge } from '../../app/network-badge';
import { SegmentedControl } from '../../components/segmented-control';
import { StatusPill } from '../../components/status-pill';
import { NETWORK_PRESETS } from '../../../../common/wallet/network';
import type { NetworkKind } from '../../../../common/wallet/network';
import { useWalletStore } from '../../wallet/use-wallet-store';
import { SettingRow } from './setting-row';
import { SettingsSection } from './settings-section';
import { ToggleSwitch } from './toggle-switch';

const NETWORKS = [
  { value: 'sandbox', label: 'Sandbox' },
  { value: 'devnet', label: 'Devnet' },
  { value: 'mainnet', label: 'Mainnet' },
  { value: 'custom', label: 'Custom' },
] as const;

const HINTS: Record<NetworkKind, string> = {
  sandbox: 'An embedded Solana chain on this machine, with a faucet for test SOL and test USDC. Works offline; nothing has value.',
  grid: 'A private grid: several machines share one hub (npm run hub). Payments use the chain that hub names.',
  devnet: `Solana's public test network (${NETWORK_PRESETS.devnet.rpcUrl}), with Circle's devnet USDC. Tokens have no value.`,
  mainnet: `Real money: Solana mainnet (${NETWORK_PRESETS.mainnet.rpcUrl}) and real USDC.`,
  custom: 'Any Solana RPC endpoint and USDC mint, such as a private grid’s chain or your own RPC provider.',
};

/** Settings → Wallet and network: which network pays, and whether lease payments may go without asking. */
export function WalletSettingsSection() {
  const { wallet, settings: settingsStore } = useStores();
  const network = useWalletStore((s) => s.network);
  const busy = useWalletStore((s) => s.busy === 'network');
  const error = useWalletStore((s) => s.error);
  const settings = useSettingsStore((s) => s.settings);
  const [kind, setKind] = useState<NetworkKind>(network?.kind ?? 'sandbox');
  const [rpcUrl, setRpcUrl] = useState(settings?.customRpcUrl ?? '');
  const [usdcMint, setUsdcMint] = useState(settings?.customUsdcMint ?? '');

  useEffect(() => {
    if (network) setKind(network.kind);
  }, [network]);
  useEffect(() => {
    if (!settings) return;
    setRpcUrl(settings.customRpcUrl);
    setUsdcMint(settings.customUsdcMint);
  }, [settings]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    void wallet.getState().setNetwork(kind, kind === 'custom' ? { rpcUrl: rpcUrl.trim(), usdcMint: usdcMint.trim() } : undefined);
  };
  const changed = kind !== network?.kind || (kind === 'custom' && (rpcUrl !== settings?.customRpcUrl || usdcMint !== settings?.customUsdcMint));

  return (
    <SettingsSection
      id="wallet"
      title="Wallet and network"
      description="Payments are USDC transfers on the network chosen here; balances and history follow it."
      saving={busy}
    >
      <form onSubmit={apply} data-testid="network-form">
        <SettingRow label="Network" hint={HINTS[kind]}>
          <SegmentedControl legend="Network" options={NETWORKS} value={kind} onChange={setKind} testId="setting-network" />
        </SettingRow>
        {kind === 'custom' ? (
          <>
            <SettingRow label="RPC URL" htmlFor="setting-rpc-url">
              <input id="setting-rpc-url" className="text-input mono" value={rpcUrl} onChange={(e) => setRpcUrl(e.target.value)} placeholder="https://…" spellCheck={false} data-testid="setting-rpc-url" />
            </SettingRow>
            <SettingRow label="USDC mint" htmlFor="setting-usdc-mint" hint="The token accepted as payment on that network.">
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
            <button type="submit" className="button button-small button-primary" disabled={!changed || busy} data-testid="network-apply">
              Switch network
            </button>
          </span>
        </SettingRow>
        {network?.status === 'error' ? <p className="field-error">{network.error}</p> : null}
        {error && busy === false && changed ? <p className="field-error">{error}</p> : null}
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
