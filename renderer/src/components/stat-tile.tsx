import './stat-tile.css';
import type { ReactNode } from 'react';

interface StatTileProps {
  label: string;
  value: ReactNode;
  /** A second line: what the number is made of, or its context. */
  detail?: ReactNode;
  testId?: string;
}

/** One big number with its label, for the top of the Earnings and Explorer views. */
export function StatTile({ label, value, detail, testId }: StatTileProps) {
  return (
    <div className="stat-tile">
      <span className="stat-tile-label">{label}</span>
      <span className="stat-tile-value" data-testid={testId}>
        {value}
      </span>
      {detail ? <span className="stat-tile-detail">{detail}</span> : null}
    </div>
  );
}
