import './detection-sources.css';
import type { GpuSourceStatus } from '../../../../common/hardware/detection';
import { StatusPill } from '../../components/status-pill';
import { SOURCE_STATE_LABELS, showFix, sourceTone } from './source-state';

interface DetectionSourcesProps {
  sources: readonly GpuSourceStatus[];
  anyGpuFound: boolean;
}

export function DetectionSources({ sources, anyGpuFound }: DetectionSourcesProps) {
  return (
    <section className="card" aria-labelledby="detection-sources-title">
      <h2 className="card-title" id="detection-sources-title">
        GPU detection
      </h2>
      {sources.length === 0 ? (
        <p className="muted">No detection has run yet.</p>
      ) : (
        <ul className="source-list">
          {sources.map((source) => (
            <li key={source.source} className="source" data-testid={`source-${source.source}`} data-state={source.state}>
              <div className="source-head">
                <code className="source-name">{source.source}</code>
                <StatusPill tone={sourceTone(source.state, anyGpuFound)}>{SOURCE_STATE_LABELS[source.state]}</StatusPill>
              </div>
              <p className="source-message">{source.message}</p>
              {showFix(source, anyGpuFound) ? (
                <p className="source-fix">
                  <span className="source-fix-label">How to fix:</span> {source.fix}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
