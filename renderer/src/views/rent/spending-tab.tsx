import type { RentReceipt } from '../../../../common/market/rent-types';
import { useStores, useStoreState } from '../../app/store-hooks';
import { CopyButton } from '../../components/copy-button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { StatTile } from '../../components/stat-tile';
import { StatusPill } from '../../components/status-pill';
import { formatDateTime, shortSignature } from '../../format/market-format';
import { shortAddress } from '../../format/wallet-format';
import { networkLabel } from '../../format/network-label';
import { shortLeaseId } from './rent-format';
import { RentNeedsWallet } from './rent-needs-wallet';
import { RentUnavailable } from './rent-unavailable';
import { useActiveWallet } from './use-active-wallet';
import { AutoPaidToday } from './lease-billing-card';
import { tokenUnitOf, usePaymentToken } from '../../wallet/use-payment-token';
import { Money } from '../../components/money';
import { incrementNumber } from '../../../../common/market/increment-number';

const DAY_MS = 86_400_000;

/**
 * Sums for the tiles: all shown, the last 7 and 30 days, and how much auto-pay paid, on
 * `network` only (every network when not given): test money and real money never add up.
 */
export function spendingTotals(receipts: RentReceipt[], nowMs: number, network?: string) {
  let all = 0n;
  let week = 0n;
  let month = 0n;
  let auto = 0n;
  let autoDay = 0n;
  const others = new Map<string, number>();
  const counted = network === undefined ? receipts : receipts.filter((r) => r.network === network);
  for (const r of receipts) if (network !== undefined && r.network !== network) others.set(r.network, (others.get(r.network) ?? 0) + 1);
  for (const r of counted) {
    const amount = BigInt(r.amount);
    all += amount;
    if (nowMs - r.paidAtMs <= 7 * DAY_MS) week += amount;
    if (nowMs - r.paidAtMs <= 30 * DAY_MS) month += amount;
    if (r.autoApproved) auto += amount;
    if (r.autoApproved && nowMs - r.paidAtMs < DAY_MS) autoDay += amount;
  }
  return { all, week, month, auto, autoDay, count: counted.length, leases: new Set(counted.map((r) => r.leaseId)).size, otherNetworks: [...others].map(([name, payments]) => ({ network: name, payments })) };
}

/** Every payment this wallet made for leases, with its signature to check on chain. */
export function SpendingTab() {
  const { rent } = useStores();
  const actions = rent.getState();
  const receipts = useStoreState('rent', (s) => s.receipts);
  const loading = useStoreState('rent', (s) => s.receiptsLoading);
  const error = useStoreState('rent', (s) => s.receiptsError);
  const network = useStoreState('wallet', (s) => s.network?.kind ?? 'sandbox');
  const totals = spendingTotals(receipts, Date.now(), network);
  const d = usePaymentToken();
  const wallet = useActiveWallet();
  const autoPayOn = useStoreState('settings', (s) => s.settings?.autoPayEnabled ?? false);
  const dailyCap = useStoreState('settings', (s) => s.settings?.autoPayDailyCap ?? null);
  if (wallet === null && receipts.length === 0) {
    return (
      <div className="rent-panel" data-testid="rent-spending">
        <RentNeedsWallet what="payments" />
      </div>
    );
  }

  return (
    <div className="rent-panel" data-testid="rent-spending">
      {error?.unavailable ? <RentUnavailable message={error.message} onRetry={() => void actions.loadReceipts()} /> : error ? <ErrorNotice title="Spending" message={error.message} onRetry={() => void actions.loadReceipts()} /> : null}
      {loading && receipts.length === 0 && !error ? <LoadingState message="Loading receipts…" /> : null}

      {dailyCap !== null && (autoPayOn || totals.autoDay > 0n) ? (
        <section className="section" aria-label="Auto-pay today">
          <AutoPaidToday paid={totals.autoDay.toString()} cap={dailyCap} token={d} />
        </section>
      ) : null}

      {receipts.length > 0 ? (
        <section className="section" aria-label="Totals">
          <p className="muted small" data-testid="spending-network-note">
            Totals on {networkLabel(network)} only
            {totals.otherNetworks.length > 0 ? ` · not counted: ${totals.otherNetworks.map((o) => `${o.payments} payment${o.payments === 1 ? '' : 's'} on ${networkLabel(o.network)}`).join(', ')} (listed below)` : ''}.
          </p>
          <div className="stat-tiles">
            <StatTile label="Spent in all" value={<Money baseUnits={totals.all} token={d} />} detail={`${totals.count} payment${totals.count === 1 ? '' : 's'} · ${totals.leases} lease${totals.leases === 1 ? '' : 's'}`} testId="spending-total" />
            <StatTile label="Last 7 days" value={<Money baseUnits={totals.week} token={d} />} testId="spending-week" />
            <StatTile label="Last 30 days" value={<Money baseUnits={totals.month} token={d} />} testId="spending-month" />
            <StatTile label="Auto-paid" value={<Money baseUnits={totals.auto} token={d} />} detail="approved within a lease's budget" testId="spending-auto" />
          </div>
        </section>
      ) : null}

      {!loading && receipts.length === 0 && !error ? (
        <EmptyState icon="earnings" title="No payments yet" testId="rent-spending-empty" description="Each payment you make for a lease — one per supplier per increment — appears here with its transaction signature, so you can check it on chain." />
      ) : null}

      {receipts.length > 0 ? (
        <section className="section" aria-labelledby="rent-receipts-title">
          <div className="section-head">
            <h2 className="section-title" id="rent-receipts-title">
              Receipts
            </h2>
            <span className="section-meta">{receipts.length} shown, newest first</span>
          </div>
          <div className="card card-flush table-wrap">
            <table className="table" data-testid="rent-receipts">
              <thead>
                <tr>
                  <th scope="col">Paid</th>
                  <th scope="col">Network</th>
                  <th scope="col">Lease</th>
                  <th scope="col" className="num">Increment</th>
                  <th scope="col">Payee</th>
                  <th scope="col" className="num">Amount</th>
                  <th scope="col">Signature</th>
                  <th scope="col">Approval</th>
                </tr>
              </thead>
              <tbody>
                {receipts.map((r) => (
                  <tr key={r.signature} data-testid="receipt-row" data-signature={r.signature} data-lease-id={r.leaseId} data-auto-approved={r.autoApproved}>
                    <td>{formatDateTime(r.paidAtMs)}</td>
                    <td data-testid="receipt-network">{networkLabel(r.network)}</td>
                    <td>
                      <button type="button" className="link rent-link-button mono" title={`Open lease ${r.leaseId}`} onClick={() => void actions.openLease(r.leaseId)} data-testid="receipt-lease">
                        {shortLeaseId(r.leaseId)}
                      </button>
                    </td>
                    <td className="num">{incrementNumber(r.increment)}</td>
                    <td className="mono" title={r.payee}>
                      {shortAddress(r.payee)}
                    </td>
                    <td className="num mono" data-testid="receipt-amount">
                      <Money baseUnits={r.amount} token={tokenUnitOf(r.token, d)} />
                    </td>
                    <td>
                      <span className="signature-cell">
                        <code title={r.signature}>{shortSignature(r.signature)}</code>
                        <CopyButton text={r.signature} what="signature" />
                      </span>
                    </td>
                    <td>
                      {r.refund ? (
                        <StatusPill tone="ok" testId="receipt-refund">Refund</StatusPill>
                      ) : r.autoApproved ? (
                        <StatusPill tone="info" testId="receipt-auto">Auto-pay</StatusPill>
                      ) : (
                        <span className="muted small" title="You confirmed this payment in the wallet dialog">Confirmed</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
