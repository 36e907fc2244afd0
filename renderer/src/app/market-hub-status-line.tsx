import { MarketHubStatusView } from '../components/market-hub-status';
import { useStoreState, useStores } from './store-hooks';

/** The market hub's status line (components/market-hub-status), wired to the market-hub store. */
export function MarketHubStatusLine({ compact = false }: { compact?: boolean }) {
  const { marketHub } = useStores();
  const hub = useStoreState('marketHub', (s) => s.hub);
  const busy = useStoreState('marketHub', (s) => s.busy === 'reconnect');
  const error = useStoreState('marketHub', (s) => s.error);
  const signingOut = useStoreState('marketHub', (s) => s.busy === 'sign-out');
  return (
    <MarketHubStatusView
      hub={hub}
      busy={busy}
      error={error}
      onReconnect={() => void marketHub.getState().reconnect()}
      onSignOut={() => void marketHub.getState().signOut()}
      signingOut={signingOut}
      compact={compact}
    />
  );
}
