import './pull-progress-bar.css';
import type { PullProgress } from '../../../../common/worker/job';
import { pullFraction, pullLabel } from './job-format';

/** A progress bar for an image download; indeterminate until Docker knows the size. */
export function PullProgressBar({ progress }: { progress: PullProgress }) {
  const fraction = pullFraction(progress);
  const label = pullLabel(progress);
  return (
    <div className="pull-progress" data-testid="pull-progress">
      <div
        className={fraction === null ? 'progress progress-indeterminate' : 'progress'}
        role="progressbar"
        aria-label={`Downloading ${progress.image}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
        aria-valuetext={label}
      >
        <div className="progress-fill" style={fraction === null ? undefined : { width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <span className="pull-progress-label">{label}</span>
    </div>
  );
}
