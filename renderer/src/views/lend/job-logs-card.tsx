import { useEffect, useRef } from 'react';
import type { Job } from '../../../../common/worker/job';
import type { FollowedLogs } from '../../stores/worker-store';
import { Spinner } from '../../components/spinner';
import { isActiveJob } from './job-format';

interface JobLogsCardProps {
  job: Job;
  logs: FollowedLogs;
  onClose: () => void;
}

/**
 * A job's output as it comes: stdout, stderr (marked), and Idlegrid's own notes. It
 * keeps to the bottom while the owner is there, and stays put when they scroll up to read.
 */
export function JobLogsCard({ job, logs, onClose }: JobLogsCardProps) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [logs.lines]);

  const onScroll = () => {
    const el = box.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };

  return (
    <section className="card job-logs-card" aria-labelledby="job-logs-title" data-testid="job-logs">
      <div className="card-head">
        <h3 className="card-title" id="job-logs-title">
          Output of {job.isTest ? 'the test job' : `job ${job.id}`}
        </h3>
        {isActiveJob(job) ? <span className="live-dot" title="Live">live</span> : null}
        {logs.loading ? <Spinner /> : null}
        <button type="button" className="button button-small button-ghost" onClick={onClose}>
          Close
        </button>
      </div>
      {logs.droppedLines > 0 ? (
        <p className="muted small">{logs.droppedLines.toLocaleString()} earlier lines are no longer kept.</p>
      ) : null}
      <div className="log-view" ref={box} onScroll={onScroll} role="log" aria-live="off" data-testid="job-log-lines">
        {logs.lines.length === 0 && !logs.loading ? <span className="log-empty">No output yet.</span> : null}
        {logs.lines.map((line) => (
          <div key={line.seq} className={`log-line log-${line.stream}`}>
            {line.text || ' '}
          </div>
        ))}
      </div>
    </section>
  );
}
