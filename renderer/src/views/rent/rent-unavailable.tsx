import './rent-unavailable.css';
import { hashFor } from '../../app/sections';
import { Icon } from '../../components/icon';

interface RentUnavailableProps {
  /** main's words: why renting cannot answer right now. */
  message: string;
  onRetry: () => void;
}

/**
 * Renting needs the market hub and the renter service in main; when either is not there
 * (the hub is down, or this build has no renter yet), say so plainly instead of an error.
 */
export function RentUnavailable({ message, onRetry }: RentUnavailableProps) {
  return (
    <div className="notice rent-unavailable" role="status" data-testid="rent-unavailable">
      <Icon name="alert" className="notice-icon" />
      <div className="notice-body">
        <strong className="notice-title">The market is not reachable right now</strong>
        <p className="notice-message">{message}</p>
        <p className="notice-message muted small">
          Check the hub under <a className="link" href={hashFor('settings')}>Settings → Market</a>, then try again.
        </p>
      </div>
      <div className="notice-actions">
        <button type="button" className="button button-small" onClick={onRetry} data-testid="rent-unavailable-retry">
          Try again
        </button>
      </div>
    </div>
  );
}
