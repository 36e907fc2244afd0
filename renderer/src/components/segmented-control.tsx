import './segmented-control.css';
import { useId } from 'react';

export interface SegmentOption<T extends string> {
  value: T;
  label: string;
}

interface SegmentedControlProps<T extends string> {
  /** Read by screen readers; shown only when `showLegend`. */
  legend: string;
  options: readonly SegmentOption<T>[];
  value: T;
  onChange: (value: T) => void;
  showLegend?: boolean;
  disabled?: boolean;
  testId?: string;
}

/**
 * A radio group drawn as one row of buttons. Native radios keep keyboard use
 * (arrow keys) and screen readers right for free.
 */
export function SegmentedControl<T extends string>({
  legend,
  options,
  value,
  onChange,
  showLegend = false,
  disabled = false,
  testId,
}: SegmentedControlProps<T>) {
  const name = useId();
  return (
    <fieldset className="segmented" disabled={disabled} data-testid={testId}>
      <legend className={showLegend ? 'segmented-legend' : 'visually-hidden'}>{legend}</legend>
      <div className="segmented-options">
        {options.map((option) => (
          <label key={option.value} className="segmented-option" data-testid={testId ? `${testId}-${option.value}` : undefined}>
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={option.value === value}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
