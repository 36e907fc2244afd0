import './gpu-card.css';
import type { Gpu, TelemetrySample } from '../../../../common/hardware/gpu';
import { CopyButton } from '../../components/copy-button';
import { Fact } from '../../components/fact';
import { gpuLabel } from '../../format/gpu-label';
import {
  MISSING,
  formatCount,
  formatPcie,
  formatPercent,
  formatVram,
  formatVramUsage,
  formatWatts,
  shortenUuid,
  vendorLabel,
} from '../../format/hardware-format';
import { formatTemperature, temperatureLevel } from '../../format/temperature';
import type { TemperatureUnit } from '../../format/temperature';

interface GpuCardProps {
  gpu: Gpu;
  /** The newest telemetry sample, fresher than the snapshot; null before the first. */
  live: TelemetrySample | null;
  temperatureUnit: TemperatureUnit;
}

export function GpuCard({ gpu, live, temperatureUnit }: GpuCardProps) {
  const temperatureC = live?.temperatureC ?? gpu.temperatureC;
  const utilizationPct = live?.utilizationPct ?? gpu.utilizationPct;
  const vramUsedMiB = live?.vramUsedMiB ?? gpu.vramUsedMiB;
  const powerDrawW = live?.powerW ?? gpu.powerDrawW;
  const level = temperatureLevel(temperatureC);
  const processNames = gpu.processes.map((p) => `${p.name} (pid ${p.pid})`).join('\n');

  return (
    <article className="card gpu-card" data-testid="gpu-card" data-gpu-uuid={gpu.uuid}>
      <header className="gpu-card-head">
        <div className="gpu-card-identity">
          <span className="gpu-card-kicker">
            <span className={`vendor vendor-${gpu.vendor}`}>{vendorLabel(gpu.vendor)}</span>
            <span aria-hidden="true">·</span>
            {gpuLabel(gpu)}
          </span>
          <h3 className="gpu-card-name">{gpu.name}</h3>
          {gpu.lendable ? null : (
            <span className="muted small" data-testid="gpu-not-lendable" title="Idlegrid cannot give this GPU to a renter's container on this machine, so it is neither offered nor watched by the thermal guard.">
              Not lendable here
            </span>
          )}
          <span className="gpu-card-uuid">
            <code title={gpu.uuid}>{shortenUuid(gpu.uuid)}</code>
            <CopyButton text={gpu.uuid} what="GPU UUID" />
          </span>
        </div>
        <div className="gpu-card-badges">
          <span
            className={`reading reading-temp${level ? ` reading-${level}` : ''}`}
            title="GPU temperature"
            data-testid="gpu-temperature"
          >
            {formatTemperature(temperatureC, temperatureUnit)}
          </span>
          <span className="reading" title="GPU utilisation" data-testid="gpu-utilization">
            {formatPercent(utilizationPct)}
            <span className="reading-label"> load</span>
          </span>
        </div>
      </header>

      <dl className="facts">
        <Fact label="VRAM" title={vramUsedMiB !== null ? `${formatVramUsage(vramUsedMiB, gpu.vramTotalMiB)} in use` : undefined}>
          {formatVram(gpu.vramTotalMiB)}
          {vramUsedMiB !== null ? <span className="fact-note">{formatVram(vramUsedMiB)} in use</span> : null}
        </Fact>
        <Fact label="Power limit" title={powerDrawW !== null ? `Drawing ${formatWatts(powerDrawW)} now` : undefined}>
          {formatWatts(gpu.powerLimitW)}
          {powerDrawW !== null ? <span className="fact-note">drawing {formatWatts(powerDrawW)}</span> : null}
        </Fact>
        <Fact label="Driver">{gpu.driverVersion ?? MISSING}</Fact>
        <Fact label="CUDA">{gpu.cudaVersion ?? MISSING}</Fact>
        <Fact label="PCIe">{formatPcie(gpu.pcie)}</Fact>
        <Fact label="Bus">{gpu.busId ?? MISSING}</Fact>
        <Fact label="MIG">{gpu.migMode === null ? 'Not supported' : gpu.migMode === 'enabled' ? 'Enabled' : 'Disabled'}</Fact>
        <Fact label="Processes" title={processNames || undefined} testId="gpu-processes">
          {gpu.processes.length === 0 ? 'None' : formatCount(gpu.processes.length, 'process', 'processes')}
        </Fact>
      </dl>
    </article>
  );
}
