import type { EarningRow } from '../../../../common/market/earnings-types';
import { CopyButton } from '../../components/copy-button';
import { StatusPill } from '../../components/status-pill';
import { formatDateTime, formatGpuHours, formatKwh, shortSignature } from '../../format/market-format';
import { shortAddress } from '../../format/wallet-format';
import { networkLabel } from '../../format/network-label';
import type { TokenUnit } from '../../../../common/money/token';
import { Money } from '../../components/money';
import { incrementNumber } from '../../../../common/market/increment-number';

const RECONCILE_LABEL = { unchecked: 'Not checked', ok: 'On chain', mismatch: 'Mismatch' } as const;
const RECONCILE_TONE = { unchecked: 'neutral', ok: 'ok', mismatch: 'error' } as const;

/** Every verified payment this machine received, newest first. */
export function EarningsTable({ rows, token }: { rows: EarningRow[]; token: TokenUnit }) {
  return (
    <div className="card card-flush table-wrap">
      <table className="table" data-testid="earnings-table">
        <thead>
          <tr>
            <th scope="col">Paid · signature</th>
            <th scope="col">Network</th>
            <th scope="col">Lease</th>
            <th scope="col" className="num">Amount</th>
            <th scope="col" className="num">GPU time</th>
            <th scope="col" className="num">Electricity</th>
            <th scope="col" className="num">Net</th>
            <th scope="col">Chain</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.signature} data-testid="earnings-row" data-signature={row.signature} data-lease-id={row.leaseId} data-reconcile={row.reconcile}>
              <td>
                {formatDateTime(row.paidAtMs)}
                {/* One cell for both keeps the table inside 1280 px with the network column. */}
                <div className="signature-cell small">
                  <code title={row.signature}>{shortSignature(row.signature)}</code>
                  <CopyButton text={row.signature} what="signature" />
                </div>
              </td>
              <td data-testid="earnings-row-network">{networkLabel(row.network)}</td>
              <td className="mono" title={`${row.leaseId} · increment ${incrementNumber(row.increment)} · renter ${row.renter}`}>
                {shortAddress(row.leaseId)} <span className="muted">#{incrementNumber(row.increment)}</span>
              </td>
              <td className="num" data-testid="earnings-row-amount"><Money baseUnits={row.amount} token={token} /></td>
              <td className="num">{formatGpuHours(row.gpuSeconds)}</td>
              <td className="num" title="Measured energy of the leased GPUs, at your electricity price">
                <Money baseUnits={row.energyCost} token={token} />
                <div className="muted small">{formatKwh(row.energyWh)}</div>
              </td>
              <td className={row.net.startsWith('-') ? 'num amount-out' : 'num'} data-testid="earnings-row-net">
                <Money baseUnits={row.net} token={token} />
              </td>
              <td>
                <StatusPill tone={RECONCILE_TONE[row.reconcile]} title={row.reconcileMessage ?? undefined}>
                  {RECONCILE_LABEL[row.reconcile]}
                </StatusPill>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
