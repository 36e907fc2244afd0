import './top-bar.css';
import { useStoreState } from './store-hooks';

/** Shown while the headless WebSocket is down; the client reconnects by itself. */
export function ConnectionBanner() {
  const connection = useStoreState('app', (s) => s.connection);
  if (connection !== 'disconnected') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <span className="spinner spinner-small" aria-hidden="true" />
      <span>
        <strong>Not connected to Idlegrid.</strong> Reconnecting… What you see may be out of date. If this lasts,
        check that Idlegrid is still running.
      </span>
    </div>
  );
}
