import './share-meter.css';
import { formatShare } from '../format/market-format';

interface ShareMeterProps {
  /** 0…1 */
  share: number;
  label: string;
  testId?: string;
}

/** A 0…1 share as a short bar with its percentage; the number carries the meaning. */
export function ShareMeter({ share, label, testId }: ShareMeterProps) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0));
  const tone = clamped >= 0.9 ? 'share-meter-good' : clamped >= 0.7 ? 'share-meter-fair' : 'share-meter-poor';
  return (
    <span className={`share-meter ${tone}`} title={`${label}: ${formatShare(share)}`} data-testid={testId}>
      <span className="share-meter-track" aria-hidden="true">
        <span className="share-meter-fill" style={{ width: `${clamped * 100}%` }} />
      </span>
      <span className="share-meter-value">{formatShare(share)}</span>
    </span>
  );
}
