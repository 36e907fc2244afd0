import type { ExplorerStats } from '../../../../common/hub/http-api';

/** GPUs online per model, the leased part filled: one bar per model, longest first. */
export function GpuModelsBars({ byModel }: { byModel: ExplorerStats['byModel'] }) {
  const models = [...byModel].sort((a, b) => b.online - a.online || a.gpuModel.localeCompare(b.gpuModel));
  const most = Math.max(1, ...models.map((m) => m.online));
  if (models.length === 0) return <p className="muted">No GPUs online on this hub right now.</p>;
  return (
    <ul className="model-bars" data-testid="explorer-models">
      {models.map((m) => (
        <li key={m.gpuModel} className="model-bar" data-testid="explorer-model" data-model={m.gpuModel} data-online={m.online} data-leased={m.leased}>
          <span className="model-bar-name" title={m.gpuModel}>
            {m.gpuModel}
          </span>
          <span className="model-bar-track" aria-hidden="true">
            <span className="model-bar-online" style={{ width: `${(m.online / most) * 100}%` }}>
              <span className="model-bar-leased" style={{ width: `${m.online ? (m.leased / m.online) * 100 : 0}%` }} />
            </span>
          </span>
          <span className="model-bar-count">
            {m.leased} / {m.online} leased
          </span>
        </li>
      ))}
    </ul>
  );
}
