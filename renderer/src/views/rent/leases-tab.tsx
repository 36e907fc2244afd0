import { useEffect } from 'react';
import { ScoreWhy } from '../../components/score-why';
import './leases-tab.css';
import { useStores, useStoreState } from '../../app/store-hooks';
import { useNow } from '../../app/use-now';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { StatusPill } from '../../components/status-pill';
import { formatDateTime } from '../../format/market-format';
import { LeaseDetail } from './lease-detail';
import { formatCountdown, leaseStateText, leaseTone, shortLeaseId } from './rent-format';
import { RentNeedsWallet } from './rent-needs-wallet';
import { RentUnavailable } from './rent-unavailable';
import { useActiveWallet } from './use-active-wallet';
import { tokenUnitOf, usePaymentToken } from '../../wallet/use-payment-token';
import { Money } from '../../components/money';

/** The leases this wallet holds, newest first; one opens in full. */
export function LeasesTab() {
  const { rent } = useStores();
  const actions = rent.getState();
  const leases = useStoreState('rent', (s) => s.leases);
  const token = usePaymentToken();
  const order = useStoreState('rent', (s) => s.leaseOrder);
  const loading = useStoreState('rent', (s) => s.leasesLoading);
  const error = useStoreState('rent', (s) => s.leasesError);
  const openId = useStoreState('rent', (s) => s.openLeaseId);
  const now = useNow(1000);
  const wallet = useActiveWallet();
  const reputation = useStoreState('rent', (s) => s.reputation);
  useEffect(() => {
    if (wallet) void rent.getState().loadReputation();
  }, [rent, wallet]);

  const open = openId ? leases[openId] : undefined;
  if (openId && open) return <LeaseDetail rentLease={open} />;

  if (wallet === null && order.length === 0) {
    return (
      <div className="rent-panel" data-testid="rent-leases">
        <RentNeedsWallet what="leases" />
      </div>
    );
  }

  return (
    <div className="rent-panel" data-testid="rent-leases">
      {openId && !open && !error ? <LoadingState message="Loading the lease…" /> : null}
      {error?.unavailable ? <RentUnavailable message={error.message} onRetry={() => void actions.loadLeases()} /> : error ? <ErrorNotice title="Leases" message={error.message} onRetry={() => void actions.loadLeases()} /> : null}
      {loading && order.length === 0 && !error ? <LoadingState message="Loading your leases…" /> : null}
      {!loading && order.length === 0 && !error ? (
        <EmptyState icon="rent" title="No leases yet" testId="rent-leases-empty" description="Build a cluster on the Market tab, get a quote and pay it: the lease appears here with its nodes, live logs and payments.">
          <button type="button" className="button button-primary" onClick={() => actions.setTab('market')} data-testid="rent-leases-go-market">
            Go to the market
          </button>
        </EmptyState>
      ) : null}
      {reputation ? (
        <div className="card rent-score" data-testid="rent-score">
          <ScoreWhy label="Your score as a renter" score={reputation.score} text={reputation.why} testId="rent-score-why" />
        </div>
      ) : null}
      {order.length > 0 ? (
        <div className="card card-flush table-wrap">
          <table className="table rent-leases-table">
            <thead>
              <tr>
                <th scope="col">Lease</th>
                <th scope="col">State</th>
                <th scope="col">Cluster</th>
                <th scope="col" className="rent-col-image">Image</th>
                <th scope="col" className="num">Paid</th>
                <th scope="col" className="rent-col-created">Created</th>
              </tr>
            </thead>
            <tbody>
              {order.map((leaseId) => {
                const item = leases[leaseId];
                if (!item) return null;
                const { lease } = item;
                const models = [...new Set(lease.placement.nodes.map((n) => n.gpuModel))].join(', ');
                return (
                  <tr key={leaseId} className="rent-lease-row" data-testid="lease-row" data-lease-id={leaseId} data-state={lease.state} onClick={() => void actions.openLease(leaseId)}>
                    <td>
                      <button type="button" className="link rent-link-button mono" title={`Open lease ${leaseId}`} onClick={(e) => { e.stopPropagation(); void actions.openLease(leaseId); }} data-testid="lease-open">
                        {shortLeaseId(leaseId)}
                      </button>
                    </td>
                    <td>
                      <StatusPill tone={leaseTone(lease.state, lease.endReason)}>{leaseStateText(lease.state, lease.endReason)}</StatusPill>
                      {item.problem && lease.state !== 'ended' ? <span className="rent-row-warn" title={item.problem}>needs attention</span> : null}
                      {lease.state === 'reserved' && lease.expiresAtMs > now ? <span className="muted small"> · pay within {formatCountdown(lease.expiresAtMs, now)}</span> : null}
                    </td>
                    <td>
                      <div className="rent-cluster-cell">
                        <span>
                          {lease.placement.gpuCount} GPU{lease.placement.gpuCount === 1 ? '' : 's'} · {lease.placement.nodes.length} machine{lease.placement.nodes.length === 1 ? '' : 's'}
                        </span>
                        <span className="muted small rent-ellipsis" title={models}>
                          {models}
                        </span>
                      </div>
                    </td>
                    <td className="mono rent-col-image">
                      <span className="rent-ellipsis" title={lease.job.image}>
                        {lease.job.image}
                      </span>
                    </td>
                    <td className="num mono"><Money baseUnits={lease.paidSoFar} token={tokenUnitOf(lease.token, token)} /></td>
                    <td className="muted rent-col-created">{formatDateTime(lease.createdAtMs)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
