import './telemetry-status-line.css';
import type { TelemetryStatus } from '../../../../common/hardware/detection';
import { useNow } from '../../app/use-now';
import { StatusPill } from '../../components/status-pill';
import type { StatusTone } from '../../components/status-pill';
import { formatAgo } from '../../format/time-format';

interface TelemetryStatusLineProps {
  status: TelemetryStatus | null;
  statusError: string | null;
  lastSampleAtMs: number | null;
  telemetryEnabled: boolean;
  /** False on a machine without GPUs, where "unavailable" is the normal state, not an alarm. */
  expected: boolean;
}

const LABELS: Record<TelemetryStatus['state'], { text: string; tone: StatusTone }> = {
  running: { text: 'Sampling', tone: 'ok' },
  restarting: { text: 'Restarting', tone: 'warn' },
  stopped: { text: 'Stopped', tone: 'neutral' },
  unavailable: { text: 'Unavailable', tone: 'error' },
};

export function TelemetryStatusLine({
  status,
  statusError,
  lastSampleAtMs,
  telemetryEnabled,
  expected,
}: TelemetryStatusLineProps) {
  const now = useNow(1000);
  if (!status) {
    return (
      <div className="telemetry-status" data-testid="telemetry-status" data-state="unknown">
        <StatusPill tone={statusError ? 'error' : 'neutral'}>{statusError ? 'Unknown' : 'Checking…'}</StatusPill>
        {statusError ? <span className="telemetry-status-message">{statusError}</span> : null}
      </div>
    );
  }
  const label = LABELS[status.state];
  const tone = status.state === 'unavailable' && !expected ? 'neutral' : label.tone;
  return (
    <div className="telemetry-status" data-testid="telemetry-status" data-state={status.state}>
      <StatusPill tone={tone}>{label.text}</StatusPill>
      {status.message ? <span className="telemetry-status-message">{status.message}</span> : null}
      {lastSampleAtMs !== null ? (
        <span className="telemetry-status-meta">last sample {formatAgo(lastSampleAtMs, now)}</span>
      ) : null}
      {!telemetryEnabled ? (
        <a className="link" href="#/settings">
          Open Settings
        </a>
      ) : null}
    </div>
  );
}
