import './fact.css';
import type { ReactNode } from 'react';

interface FactProps {
  label: string;
  children: ReactNode;
  title?: string;
  testId?: string;
}

/** One label/value pair of a `<dl className="facts">`. */
export function Fact({ label, children, title, testId }: FactProps) {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd title={title}>{children}</dd>
    </div>
  );
}
