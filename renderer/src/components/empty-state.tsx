import './empty-state.css';
import type { ReactNode } from 'react';
import { Icon } from './icon';
import type { IconName } from './icon';

interface EmptyStateProps {
  icon: IconName;
  title: string;
  /** One paragraph: what will be here. Never sample data. */
  description: ReactNode;
  /** A short honest tag, e.g. "Not available yet". */
  tag?: string;
  children?: ReactNode;
  testId?: string;
}

export function EmptyState({ icon, title, description, tag, children, testId }: EmptyStateProps) {
  return (
    <section className="empty-state" data-testid={testId}>
      <div className="empty-state-icon">
        <Icon name={icon} size={28} />
      </div>
      {tag ? <span className="tag">{tag}</span> : null}
      <h2 className="empty-state-title">{title}</h2>
      <p className="empty-state-description">{description}</p>
      {children ? <div className="empty-state-actions">{children}</div> : null}
    </section>
  );
}
