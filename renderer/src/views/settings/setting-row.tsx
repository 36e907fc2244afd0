import type { ReactNode } from 'react';

interface SettingRowProps {
  label: string;
  /** The id of the control, so the label is tied to it. Omit for a fieldset control. */
  htmlFor?: string;
  hint?: ReactNode;
  children: ReactNode;
}

export function SettingRow({ label, htmlFor, hint, children }: SettingRowProps) {
  return (
    <div className="setting-row">
      <div className="setting-row-text">
        {htmlFor ? (
          <label className="setting-row-label" htmlFor={htmlFor}>
            {label}
          </label>
        ) : (
          <span className="setting-row-label">{label}</span>
        )}
        {hint ? <p className="setting-row-hint">{hint}</p> : null}
      </div>
      <div className="setting-row-control">{children}</div>
    </div>
  );
}
