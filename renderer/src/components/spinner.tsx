import './spinner.css';
interface SpinnerProps {
  label?: string;
}

export function Spinner({ label }: SpinnerProps) {
  return <span className="spinner" role={label ? 'status' : undefined} aria-label={label} />;
}
