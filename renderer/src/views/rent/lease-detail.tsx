import './lease-detail.css';
import { useLayoutEffect, useRef } from 'react';
import type { RentLease } from '../../../../common/market/rent-types';
import { useStores, useStoreState } from '../../app/store-hooks';
import { CopyButton } from '../../components/copy-button';
import { Icon } from '../../components/icon';
import { StatusPill } from '../../components/status-pill';
import { formatDateTime } from '../../format/market-format';
import { LeaseBillingCard } from './lease-billing-card';
import { LeaseMeshCard } from './lease-mesh-card';
import { LeaseNodeCard } from './lease-node-card';
import { LeaseTerminalsCard } from './lease-terminals-card';
import { LeaseForwardsCard } from './lease-forwards-card';
import { LeaseFilesCard } from './lease-files-card';
import { LeaseOutputsNotice } from './lease-outputs-notice';
import { LeaseTimeline } from './lease-timeline';
import { LeaseTrustCard } from './lease-trust-card';
import { leaseStateText, leaseTone, shortLeaseId } from './rent-format';
import { useTokenUnit } from '../../wallet/use-payment-token';

const EMPTY_LOGS: RentLease['logs'] = [];

/** One lease, live: its state, problem, nodes with their logs, timeline and payments. */
export function LeaseDetail({ rentLease }: { rentLease: RentLease }) {
  const { rent } = useStores();
  const actions = rent.getState();
  const busy = useStoreState('rent', (s) => s.busy);
  const actionError = useStoreState('rent', (s) => s.actionError);
  const { lease, problem } = rentLease;
  const token = useTokenUnit(lease.token);
  const id = lease.leaseId;
  const live = lease.state !== 'ended';
  const logsByRank = new Map<number, RentLease['logs']>();
  for (const line of rentLease.logs) logsByRank.set(line.rank, [...(logsByRank.get(line.rank) ?? []), line]);
  const statuses = lease.nodes.length
    ? [...lease.nodes].sort((a, b) => a.rank - b.rank)
    : lease.placement.nodes.map((n) => ({ rank: n.rank, workerId: n.workerId, state: 'assigned' as const, message: null, updatedAtMs: lease.createdAtMs }));
  const command = lease.job.command?.join(' ');
  // Reserved and not every node has proved its GPUs: the renter's app is checking them before it pays.
  const attesting = lease.state === 'reserved' && (lease.attestation ?? []).some((a) => a.state !== 'passed');
  const checkFailed = (lease.attestation ?? []).some((a) => a.state === 'failed');

  // Opened from the quote (after paying, far down the Market tab) the page kept its scroll:
  // start at the top once per lease opened (not on every update), like any page opened.
  const headRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    headRef.current?.closest('.shell-content')?.scrollTo({ top: 0 });
  }, [id]);

  return (
    <div className="rent-lease" data-testid="lease-view" data-lease-id={id} data-state={lease.state} data-end-reason={lease.endReason ?? ''} data-increments={lease.incrementCount}>
      <div className="rent-lease-head" ref={headRef}>
        <button type="button" className="button button-small button-ghost" onClick={() => actions.closeLease()} data-testid="lease-back">
          ← My leases
        </button>
        <div className="rent-lease-title">
          <h2 className="section-title">
            Lease <code title={id}>{shortLeaseId(id)}</code>
            <CopyButton text={id} what="lease id" />
          </h2>
          <span className="muted small">
            {lease.placement.gpuCount} GPU{lease.placement.gpuCount === 1 ? '' : 's'} on {lease.placement.nodes.length} machine{lease.placement.nodes.length === 1 ? '' : 's'} · <code>{lease.job.image}</code>
            {command ? (
              <>
                {' '}
                <code className="rent-lease-command" title={command}>
                  {command}
                </code>
              </>
            ) : null}{' '}
            · created {formatDateTime(lease.createdAtMs)}
          </span>
        </div>
        <StatusPill tone={leaseTone(lease.state, lease.endReason)} testId="lease-state">
          {attesting ? 'Attesting GPUs' : leaseStateText(lease.state, lease.endReason)}
        </StatusPill>
      </div>

      {problem ? (
        <div className={lease.state === 'ended' && (lease.endReason === 'completed' || lease.endReason === 'terminated') && !checkFailed ? 'notice rent-problem rent-problem-quiet' : 'notice notice-error rent-problem'} role="alert" data-testid="lease-problem" data-end-reason={lease.endReason ?? ''}>
          <Icon name="alert" className="notice-icon" />
          <div className="notice-body">
            <strong className="notice-title">{problemTitle(rentLease)}</strong>
            <p className="notice-message">{problem}</p>
          </div>
        </div>
      ) : null}

      <LeaseOutputsNotice rentLease={rentLease} />

      <div className="rent-lease-grid">
        <div className="rent-lease-main">
          <div className="section-head">
            <h3 className="section-title">Nodes</h3>
            <span className="section-meta">{live ? 'Logs follow live' : 'Final output'}</span>
          </div>
          <div className="rent-nodes">
            {statuses.map((status) => (
              <LeaseNodeCard
                key={status.rank}
                status={status}
                placement={lease.placement.nodes.find((n) => n.rank === status.rank)}
                attestation={lease.attestation?.find((a) => a.rank === status.rank) ?? null}
                logs={logsByRank.get(status.rank) ?? EMPTY_LOGS}
                live={live}
              />
            ))}
          </div>
          <LeaseTerminalsCard leaseId={id} nodes={statuses} live={live} />
          <LeaseForwardsCard leaseId={id} nodes={statuses} live={live} />
          <LeaseFilesCard leaseId={id} nodes={statuses} live={live} />
          {lease.placement.nodes.length > 1 ? <LeaseMeshCard mesh={rentLease.mesh ?? null} live={live} /> : null}
        </div>
        <aside className="rent-lease-side">
          <LeaseBillingCard
            key={id}
            rentLease={rentLease}
            token={token}
            busy={busy}
            error={actionError}
            onPayNext={() => void actions.payNext(id)}
            onSetAutoPay={(enabled, budget) => void actions.setAutoPay(id, enabled, budget)}
            onExtend={(n) => void actions.extend(id, n)}
            onTerminate={() => void actions.terminate(id)}
          />
          <LeaseTimeline lease={lease} token={token} nodeNotes={rentLease.nodeNotes} />
          <LeaseTrustCard leaseId={id} />
        </aside>
      </div>
    </div>
  );
}

function problemTitle({ lease }: RentLease): string {
  if (lease.startedAtMs === null && (lease.attestation ?? []).some((a) => a.state === 'failed')) return 'Not paid: a GPU check failed';
  switch (lease.endReason) {
    case 'unpaid':
      return 'Stopped: not paid';
    case 'supplier-lost':
      return 'Stopped: a supplier was lost';
    case 'failed':
      return 'The job failed';
    case 'completed':
      return 'Completed';
    case 'terminated':
      return 'Terminated';
    default:
      return 'Needs attention';
  }
}
