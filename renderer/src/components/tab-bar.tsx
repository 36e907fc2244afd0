import './tab-bar.css';
import type { KeyboardEvent } from 'react';

export interface TabOption<T extends string> {
  value: T;
  label: string;
  /** A small count after the label ("3"). */
  badge?: string | number | null;
}

interface TabBarProps<T extends string> {
  label: string;
  options: readonly TabOption<T>[];
  value: T;
  onChange: (value: T) => void;
  /** Each tab gets `${testIdPrefix}-${value}`. */
  testIdPrefix: string;
}

/** Sub-views of one section, as ARIA tabs (arrow keys move between them). */
export function TabBar<T extends string>({ label, options, value, onChange, testIdPrefix }: TabBarProps<T>) {
  const onKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = options[(index + step + options.length) % options.length];
    if (next) {
      onChange(next.value);
      const sibling = step > 0 ? event.currentTarget.nextElementSibling : event.currentTarget.previousElementSibling;
      (sibling as HTMLElement | null)?.focus();
    }
  };
  return (
    <div className="tab-bar" role="tablist" aria-label={label}>
      {options.map((option, index) => (
        <button
          key={option.value}
          type="button"
          role="tab"
          className="tab-bar-tab"
          aria-selected={option.value === value}
          tabIndex={option.value === value ? 0 : -1}
          onClick={() => onChange(option.value)}
          onKeyDown={(e) => onKey(e, index)}
          data-testid={`${testIdPrefix}-${option.value}`}
        >
          {option.label}
          {option.badge !== undefined && option.badge !== null && option.badge !== '' ? <span className="tab-bar-badge">{option.badge}</span> : null}
        </button>
      ))}
    </div>
  );
}
