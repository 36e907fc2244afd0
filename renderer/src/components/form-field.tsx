import type { ReactNode } from 'react';

interface FormFieldProps {
  label: string;
  /** The control's id, so clicking the label focuses it; omit for groups. */
  htmlFor?: string;
  /** Shown under the control until there is an error. */
  hint?: ReactNode;
  /** What is wrong and how to fix it; replaces the hint. */
  error?: string;
  children: ReactNode;
  className?: string;
}

/** A label, a control, and either its hint or its error, in the app's form layout. */
export function FormField({ label, htmlFor, hint, error, children, className }: FormFieldProps) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      {htmlFor ? (
        <label className="field-label" htmlFor={htmlFor}>
          {label}
        </label>
      ) : (
        <span className="field-label">{label}</span>
      )}
      {children}
      {error ? (
        <p className="field-error" data-testid={htmlFor ? `${htmlFor}-error` : undefined}>
          {error}
        </p>
      ) : hint ? (
        <p className="form-field-hint">{hint}</p>
      ) : null}
    </div>
  );
}
