import './lease-mesh-card.css';
import type { MeshMatrix } from '../../../../common/mesh/mesh-announcement';
import { StatusPill } from '../../components/status-pill';
import { formatBandwidth, formatRtt, PATH_LABEL, pathTone } from './mesh-format';

/**
 * The cluster's mesh between its nodes, as the nodes measured it over WireGuard as soon
 * as it came up: per pair, whether it is direct or goes through the hub's relay, the
 * round trip and the bandwidth. Empty while the nodes are still measuring.
 */
export function LeaseMeshCard({ mesh, live }: { mesh: MeshMatrix | null; live: boolean }) {
  const pairs = mesh?.pairs ?? [];
  return (
    <section className="card rent-mesh" data-testid="lease-mesh" data-state={mesh?.state ?? 'measuring'} aria-label="Network between the nodes">
      <div className="section-head">
        <h3 className="section-title">Network between the nodes</h3>
        <span className="section-meta">Encrypted mesh (WireGuard)</span>
      </div>
      {pairs.length === 0 ? (
        <p className="rent-mesh-empty muted small" data-testid="lease-mesh-empty">
          {live ? 'Measuring latency and bandwidth between the nodes as they come up…' : 'The nodes did not report a measurement.'}
        </p>
      ) : (
        <table className="rent-mesh-table">
          <thead>
            <tr>
              <th scope="col">Pair</th>
              <th scope="col">Path</th>
              <th scope="col" className="num">Round trip</th>
              <th scope="col" className="num">Bandwidth</th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((pair) => (
              <tr key={`${pair.fromRank}-${pair.toRank}`} data-testid="lease-mesh-pair" data-path={pair.path}>
                <td>
                  Rank {pair.fromRank} ↔ {pair.toRank}
                </td>
                <td>
                  <StatusPill tone={pathTone(pair.path)} title={pair.path === 'relayed' ? 'No direct path through these NATs: traffic goes through the hub, still end-to-end encrypted.' : undefined}>
                    {PATH_LABEL[pair.path]}
                  </StatusPill>
                </td>
                <td className="num mono">{formatRtt(pair.rttMs)}</td>
                <td className="num mono">{formatBandwidth(pair.bitsPerSecond)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
