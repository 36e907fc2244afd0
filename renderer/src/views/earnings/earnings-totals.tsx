import type { EarningsSummary, EarningsTotals } from '../../../../common/market/earnings-types';
import { StatTile } from '../../components/stat-tile';
import { formatGpuHours } from '../../format/market-format';
import { networkLabel } from '../../format/network-label';
import { Money } from '../../components/money';

const PERIODS = [
  { key: 'today', label: 'Today' },
  { key: 'week', label: 'Last 7 days' },
  { key: 'month', label: 'Last 30 days' },
  { key: 'allTime', label: 'All time' },
] as const;

/** Net earnings per period on the current network, with what they are made of underneath. */
export function EarningsTotalsRow({ summary }: { summary: EarningsSummary }) {
  const token = { symbol: summary.token, decimals: summary.decimals };
  const others = summary.otherNetworks.filter((o) => o.payments > 0);
  return (
    <>
    <p className="muted small" data-testid="earnings-network-note">
      Totals on {networkLabel(summary.network)} only
      {others.length > 0 ? ` · not counted: ${others.map((o) => `${o.payments} payment${o.payments === 1 ? '' : 's'} on ${networkLabel(o.network)}`).join(', ')} (in the table and the CSV)` : ''}.
    </p>
    <div className="stat-tiles" data-testid="earnings-totals">
      {PERIODS.map(({ key, label }) => {
        const t: EarningsTotals = summary[key];
        const id = key === 'allTime' ? 'all-time' : key;
        return (
          <StatTile
            key={key}
            label={`${label} · net`}
            value={<Money baseUnits={t.net} token={token} />}
            testId={`earnings-${id}-net`}
            detail={
              <>
                Gross <span data-testid={`earnings-${id}-gross`}><Money baseUnits={t.gross} token={token} /></span>
                <br />
                Electricity <span data-testid={`earnings-${id}-electricity`}><Money baseUnits={t.energyCost} token={token} /></span>
                <br />
                {t.payments} payment{t.payments === 1 ? '' : 's'} · {formatGpuHours(t.gpuSeconds)}
              </>
            }
          />
        );
      })}
    </div>
    </>
  );
}
