import './host-summary.css';
import type { HostInfo } from '../../../../common/hardware/detection';
import { Fact } from '../../components/fact';
import { MISSING, formatBytes, formatVram } from '../../format/hardware-format';

interface HostSummaryProps {
  host: HostInfo | null;
}

export function HostSummary({ host }: HostSummaryProps) {
  return (
    <section className="card" aria-labelledby="host-summary-title" data-testid="host-summary">
      <h2 className="card-title" id="host-summary-title">
        Host
      </h2>
      {host === null ? (
        <p className="muted">The host could not be read (CPU, memory, disks). Press “Detect again” to retry.</p>
      ) : (
        <>
          <dl className="facts facts-single">
            <Fact label="Name">{host.hostname || MISSING}</Fact>
            <Fact label="System">{host.os || MISSING}</Fact>
            <Fact label="CPU">
              {host.cpuModel || MISSING} · {host.cpuCores} cores
            </Fact>
            <Fact label="Memory">{formatBytes(host.ramTotalBytes)}</Fact>
          </dl>

          <h3 className="card-subtitle">Disks</h3>
          {host.disks.length === 0 ? (
            <p className="muted">No disk reported.</p>
          ) : (
            <ul className="disk-list">
              {host.disks.map((disk) => {
                const usedPct = disk.sizeBytes > 0 ? Math.round(((disk.sizeBytes - disk.freeBytes) / disk.sizeBytes) * 100) : 0;
                return (
                  <li key={disk.mount} className="disk">
                    <div className="disk-head">
                      <code className="disk-mount">{disk.mount}</code>
                      <span className="disk-free">
                        {formatBytes(disk.freeBytes)} free of {formatBytes(disk.sizeBytes)}
                      </span>
                    </div>
                    <div
                      className="meter"
                      role="meter"
                      aria-label={`${disk.mount} used`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={usedPct}
                    >
                      <div className={usedPct >= 90 ? 'meter-fill meter-fill-warn' : 'meter-fill'} style={{ width: `${usedPct}%` }} />
                    </div>
                  </li>
                );
              })}
            </ul>
          )}

          {host.otherGpus.length > 0 ? (
            <>
              <h3 className="card-subtitle">Other graphics</h3>
              <p className="muted small">Seen by the system, but no vendor tool reports them, so they cannot be lent.</p>
              <ul className="plain-list">
                {host.otherGpus.map((gpu, i) => (
                  <li key={`${gpu.model}-${i}`}>
                    {gpu.vendor} {gpu.model}
                    {gpu.vramMiB !== null ? <span className="muted"> · {formatVram(gpu.vramMiB)}</span> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
