import './home-view.css';
import { useStores, useSettingsOrDefaults, useStoreState } from '../../app/store-hooks';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import { Spinner } from '../../components/spinner';
import { sortGpus } from '../../format/gpu-label';
import { formatClockTime } from '../../format/time-format';
import { DetectionSources } from './detection-sources';
import { GpuCard } from './gpu-card';
import { gpuSummary } from './gpu-summary';
import { HostSummary } from './host-summary';

/** "This machine": what Idlegrid found, and what to fix when it found nothing. */
export function HomeView() {
  const { hardware } = useStores();
  const snapshot = useStoreState('hardware', (s) => s.snapshot);
  const loading = useStoreState('hardware', (s) => s.loading);
  const detecting = useStoreState('hardware', (s) => s.detecting);
  const error = useStoreState('hardware', (s) => s.error);
  const latest = useStoreState('telemetry', (s) => s.latest);
  const { temperatureUnit } = useSettingsOrDefaults();

  const gpus = snapshot ? sortGpus(snapshot.gpus) : [];
  const detect = () => void hardware.getState().detect();

  const subtitle = snapshot
    ? `${snapshot.host?.hostname ? `${snapshot.host.hostname} · ` : ''}detected at ${formatClockTime(snapshot.detectedAtMs)}`
    : 'The GPUs Idlegrid can lend, and the CPU, memory and disks around them.';

  return (
    <div className="view" data-testid="view-home">
      <PageHeader
        title="This machine"
        subtitle={subtitle}
        actions={
          <button type="button" className="button" onClick={detect} disabled={detecting} data-testid="detect-again">
            {detecting ? <Spinner /> : <Icon name="refresh" size={16} />}
            {detecting ? 'Detecting…' : 'Detect again'}
          </button>
        }
      />

      {error ? (
        <ErrorNotice
          title={snapshot ? 'Detection failed' : 'Could not read the hardware'}
          message={error}
          onRetry={snapshot ? detect : () => void hardware.getState().load()}
        />
      ) : null}

      {loading && !snapshot ? <LoadingState message="Looking for GPUs…" /> : null}

      {snapshot ? (
        <>
          {gpus.length > 0 ? (
            <section aria-labelledby="gpus-title" className="section">
              <div className="section-head">
                <h2 className="section-title" id="gpus-title">
                  GPUs
                </h2>
                <span className="section-meta" data-testid="gpu-summary">
                  {gpuSummary(gpus)}
                </span>
              </div>
              <div className="gpu-grid">
                {gpus.map((gpu) => (
                  <GpuCard key={gpu.uuid} gpu={gpu} live={latest[gpu.uuid] ?? null} temperatureUnit={temperatureUnit} />
                ))}
              </div>
            </section>
          ) : (
            <EmptyState
              icon="gpu"
              title="No supported GPU found"
              testId="no-gpu"
              description={
                <>
                  Idlegrid looks for NVIDIA GPUs with <code>nvidia-smi</code> and AMD GPUs with <code>rocm-smi</code>;
                  neither reported one on this machine. Idlegrid lends GPUs only, so this machine has nothing to lend
                  for now; you can still rent GPUs from others. If it does have a GPU, the detection results below say
                  what to fix; then press “Detect again”.
                </>
              }
            />
          )}

          <div className="home-columns">
            <DetectionSources sources={snapshot.sources} anyGpuFound={gpus.length > 0} />
            <HostSummary host={snapshot.host} />
          </div>
        </>
      ) : null}
    </div>
  );
}
