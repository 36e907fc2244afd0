import type { EarningsSummary, EarningsTotals } from '../../../../common/market/earnings-types';
import { StatTile } from '../../components/stat-tile';
import { formatGpuHours } from '../../format/market-format';
import { formatMoney } from '../../format/wallet-format';

const PERIODS = [
  { key: 'today', label: 'Today' },
  { key: 'week', label: 'Last 7 days' },
  { key: 'month', label: 'Last 30 days' },
  { key: 'allTime', label: 'All time' },
] as const;

/** Net earnings per period, with what they are made of underneath. */
export function EarningsTotalsRow({ summary }: { summary: EarningsSummary }) {
  const token = { symbol: summary.token, decimals: summary.decimals };
  return (
    <div className="stat-tiles" data-testid="earnings-totals">
      {PERIODS.map(({ key, label }) => {
        const t: EarningsTotals = summary[key];
        const id = key === 'allTime' ? 'all-time' : key;
        return (
          <StatTile
            key={key}
            label={`${label} · net`}
            value={formatMoney(t.net, token)}
            testId={`earnings-${id}-net`}
            detail={
              <>
                Gross <span data-testid={`earnings-${id}-gross`}>{formatMoney(t.gross, token)}</span>
                <br />
                Electricity <span data-testid={`earnings-${id}-electricity`}>{formatMoney(t.energyCost, token)}</span>
                <br />
                {t.payments} payment{t.payments === 1 ? '' : 's'} · {formatGpuHours(t.gpuSeconds)}
              </>
            }
          />
        );
      })}
    </div>
  );
}
