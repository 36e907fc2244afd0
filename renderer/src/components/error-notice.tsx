import './error-notice.css';
import { Icon } from './icon';

interface ErrorNoticeProps {
  /** The ApiError message as is: it already says what happened and what to do. */
  message: string;
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
}

export function ErrorNotice({ message, title, onRetry, onDismiss }: ErrorNoticeProps) {
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice">
      <Icon name="alert" className="notice-icon" />
      <div className="notice-body">
        {title ? <strong className="notice-title">{title}</strong> : null}
        <p className="notice-message">{message}</p>
      </div>
      <div className="notice-actions">
        {onRetry ? (
          <button type="button" className="button button-small" onClick={onRetry}>
            Try again
          </button>
        ) : null}
        {onDismiss ? (
          <button type="button" className="button button-small button-ghost" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
    </div>
  );
}
