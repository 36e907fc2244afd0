import './market-hub-status.css';
import type { MarketHubStatus } from '../../../common/market/market-hub-types';
import { StatusPill } from './status-pill';

/**
 * Which hub the market runs through, whether it answers, and a way to try again: shown
 * on Explorer and Settings, since every market view depends on it. Props only; the
 * store wiring is app/market-hub-status-line.tsx.
 */
export interface MarketHubStatusProps {
  /** null until main has said which hub it uses. */
  hub: MarketHubStatus | null;
  /** A reconnect is under way. */
  busy: boolean;
  /** The last reconnect's error, shown when the hub has none of its own. */
  error: string | null;
  onReconnect(): void;
  /** Revokes the app's sessions at this hub (shown while signed in). */
  onSignOut?: () => void;
  /** A sign-out is under way. */
  signingOut?: boolean;
  compact?: boolean;
}

export function MarketHubStatusView({ hub, busy, error, onReconnect, onSignOut, signingOut = false, compact = false }: MarketHubStatusProps) {
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
        <button type="button" className="button button-small" disabled={busy} onClick={onReconnect} data-testid="market-reconnect">
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
      {hub?.signedInAs && !compact ? (
        <p className="hub-status-signed muted small">
          Signed in as <code>{hub.signedInAs}</code>
          {onSignOut ? (
            <>
              {' '}
              <button type="button" className="button button-small" disabled={signingOut} onClick={onSignOut} data-testid="market-sign-out" title="End this app's sessions at the hub; the next market action signs in again">
                {signingOut ? 'Signing out…' : 'Sign out'}
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
