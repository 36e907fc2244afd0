import './market-hub-status.css';
import { useStore } from 'zustand';
import { useStores } from '../app/store-hooks';
import type { MarketHubStoreState } from '../stores/market-hub-store';
import { StatusPill } from './status-pill';

export function useMarketHubStore<T>(selector: (state: MarketHubStoreState) => T): T {
  return useStore(useStores().marketHub, selector);
}

/**
 * Which hub the market runs through, whether it answers, and a way to try again: shown
 * on Explorer and Settings, since every market view depends on it.
 */
export function MarketHubStatusLine({ compact = false }: { compact?: boolean }) {
  const { marketHub } = useStores();
  const hub = useMarketHubStore((s) => s.hub);
  const busy = useMarketHubStore((s) => s.busy === 'reconnect');
  const error = useMarketHubStore((s) => s.error);
  const where = !hub ? 'Looking for the hub…' : hub.mode === 'embedded' ? 'Sandbox hub on this machine' : hub.mode === 'grid' ? 'Private grid hub' : 'No hub';
  const tone = !hub ? 'neutral' : hub.status === 'ready' ? 'ok' : hub.status === 'starting' ? 'info' : 'error';
  const label = !hub ? 'Unknown' : hub.status === 'ready' ? 'Connected' : hub.status === 'starting' ? 'Connecting…' : 'Not reachable';
  const problem = hub?.error ?? error;
  return (
    <div className={compact ? 'hub-status hub-status-compact' : 'hub-status'} data-testid="market-hub" data-status={hub?.status ?? 'unknown'} data-mode={hub?.mode ?? 'none'}>
      <div className="hub-status-line">
        <StatusPill tone={tone} testId="market-hub-status">
          {label}
        </StatusPill>
        <span className="hub-status-where">{where}</span>
        {hub?.hubUrl ? (
          <code className="hub-status-url" data-testid="market-hub-url">
            {hub.hubUrl}
          </code>
        ) : null}
        <button type="button" className="button button-small" disabled={busy} onClick={() => void marketHub.getState().reconnect()} data-testid="market-reconnect">
          {busy ? 'Connecting…' : 'Reconnect'}
        </button>
      </div>
      {problem ? (
        <p className="field-error hub-status-error" role="alert" data-testid="market-hub-error">
          {problem}
          {compact && hub?.mode === 'grid' ? (
            <>
              {' '}
              <a className="link" href="#/settings">
                Change the hub in Settings
              </a>
            </>
          ) : null}
        </p>
      ) : null}
      {hub?.signedInAs && !compact ? <p className="hub-status-signed muted small">Signed in as <code>{hub.signedInAs}</code></p> : null}
    </div>
  );
}
