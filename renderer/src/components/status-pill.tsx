import './status-pill.css';
import type { ReactNode } from 'react';

export type StatusTone = 'ok' | 'warn' | 'error' | 'neutral' | 'info';

interface StatusPillProps {
  tone: StatusTone;
  children: ReactNode;
  title?: string;
  testId?: string;
}

/** A small coloured label; the text carries the meaning, the colour only repeats it. */
export function StatusPill({ tone, children, title, testId }: StatusPillProps) {
  return (
    <span className={`pill pill-${tone}`} title={title} data-testid={testId}>
      <span className="pill-dot" aria-hidden="true" />
      {children}
    </span>
  );
}
