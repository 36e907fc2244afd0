import './lease-node-card.css';
import { useEffect, useRef } from 'react';
import type { LeaseNodeStatus, NodeAttestationStatus, RenterPlacementNode } from '../../../../common/hub/lease-types';
import { ScoreWhy } from '../../components/score-why';
import { useStores, useStoreState } from '../../app/store-hooks';
import type { RentLease } from '../../../../common/market/rent-types';
import { StatusPill } from '../../components/status-pill';
import { shortAddress } from '../../format/wallet-format';
import { formatVram, NODE_STATE_LABEL, nodeTone } from './rent-format';

interface LeaseNodeCardProps {
  placement: RenterPlacementNode | undefined;
  status: LeaseNodeStatus;
  /** This node's GPU check before payment (absent from hubs without it). */
  attestation?: NodeAttestationStatus | null;
  logs: RentLease['logs'];
  live: boolean;
}

/**
 * One machine of the cluster and its container's output. The log keeps to the bottom
 * while the renter is there, and stays put when they scroll up to read.
 */
const CHECK_TEXT: Record<NodeAttestationStatus['state'], string> = {
  preparing: 'GPU check: the machine is preparing (pulling, starting the check)',
  ready: 'GPU check: ready, waiting for your app\u2019s challenge',
  attesting: 'GPU check: your app is checking the GPUs',
  passed: 'GPU check passed',
  failed: 'GPU check failed: nothing is paid for this machine',
};

export function LeaseNodeCard({ placement, status, attestation, logs, live }: LeaseNodeCardProps) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const rent = useStores().rent;
  const workerId = placement?.workerId ?? status.workerId;
  const score = useStoreState('rent', (s) => (workerId ? (s.supplierScores[workerId] ?? null) : null));

  useEffect(() => {
    if (workerId) void rent.getState().loadSupplierScore(workerId);
  }, [rent, workerId]);

  useEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [logs]);

  const onScroll = () => {
    const el = box.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };

  // After the lease ended a node last heard "running" is not running any more: the
  // suppliers stop every container at the end; show that rather than a stale state.
  const state = !live && (status.state === 'assigned' || status.state === 'pulling' || status.state === 'running') ? 'stopped' : status.state;

  return (
    <article className="card rent-node" data-testid="lease-node" data-rank={status.rank} data-state={state} data-down={live && status.downSinceMs !== undefined ? 'true' : undefined} aria-label={`Node ${status.rank}`}>
      <header className="rent-node-head">
        <span className="rent-node-rank">Rank {status.rank}</span>
        <div className="rent-node-what">
          <strong>
            {placement ? `${placement.gpuIds.length} × ${placement.gpuModel}` : 'GPUs'}
          </strong>
          <span className="muted small">
            {placement ? `${formatVram(placement.vramMiB)} · ${placement.region} · ` : ''}
            <span title={status.workerId}>machine {shortAddress(status.workerId || placement?.workerId || '—')}</span>
            {placement ? <span title={placement.supplier}> · supplier {shortAddress(placement.supplier)}</span> : null}
          </span>
        </div>
        {live && status.downSinceMs !== undefined ? (
          <StatusPill tone="error" testId="lease-node-state">
            Down
          </StatusPill>
        ) : (
          <StatusPill tone={nodeTone(state)} testId="lease-node-state">
            {NODE_STATE_LABEL[state]}
          </StatusPill>
        )}
      </header>
      {attestation ? (
        <p className={attestation.state === 'failed' ? 'rent-node-message field-error' : 'rent-node-message muted small'} data-testid="lease-node-check" data-check={attestation.state} data-reason={attestation.reason ?? ''}>
          {CHECK_TEXT[attestation.state]}
          {attestation.message && (attestation.state === 'failed' || attestation.state === 'passed') ? `: ${attestation.message}` : '.'}
        </p>
      ) : null}
      {score ? <ScoreWhy label="Supplier's score" score={score.score} worker={score.why} testId="lease-node-score" /> : null}
      {status.message ? (
        <p className={status.state === 'failed' ? 'rent-node-message field-error' : 'rent-node-message muted small'} data-testid="lease-node-message">
          {status.message}
        </p>
      ) : null}
      <div className="log-view rent-log" ref={box} onScroll={onScroll} role="log" aria-live="off" aria-label={`Output of rank ${status.rank}`} data-testid="lease-log" data-rank={status.rank}>
        {logs.length === 0 ? <span className="rent-log-empty">{live ? 'No output yet.' : 'No output.'}</span> : null}
        {logs.map((line, i) => (
          <div key={`${line.atMs}-${i}`} className={`rent-log-line rent-log-${line.stream}`} data-stream={line.stream}>
            {line.text || ' '}
          </div>
        ))}
      </div>
    </article>
  );
}
