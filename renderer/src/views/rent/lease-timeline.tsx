import './lease-timeline.css';
import type { LeaseView } from '../../../../common/hub/lease-types';
import type { RentLease } from '../../../../common/market/rent-types';
import { formatDateTime, shortSignature } from '../../format/market-format';
import { formatMoney, shortAddress } from '../../format/wallet-format';
import type { TokenUnit } from '../../../../common/money/token';
import { leaseStateText } from './rent-format';
import { incrementNumber } from '../../../../common/market/increment-number';

type TimelineEntry =
  | { kind: 'state'; atMs: number; title: string; detail: string; tone: 'ok' | 'error' | 'info' | 'neutral' }
  | { kind: 'payment'; atMs: number; title: string; detail: string; signatures: string[] };

/** State changes and payments of a lease in the order they happened. */
export function leaseTimeline(lease: LeaseView, token: TokenUnit, nodeNotes: NonNullable<RentLease['nodeNotes']> = []): TimelineEntry[] {
  const entries: TimelineEntry[] = lease.transitions.map((t) => ({
    kind: 'state',
    atMs: t.atMs,
    title: leaseStateText(t.to, t.endReason),
    detail: t.reason,
    tone: t.to === 'running' ? 'ok' : t.to === 'ended' ? (t.endReason === 'completed' || t.endReason === 'terminated' ? 'neutral' : 'error') : 'info',
  }));
  // One entry per increment: its payments (one per supplier) land seconds apart.
  for (const increment of lease.increments) {
    const paid = increment.payments.filter((p) => p.signature && p.paidAtMs !== null);
    if (paid.length === 0) continue;
    const total = paid.reduce((sum, p) => sum + BigInt(p.amount), 0n);
    const whole = paid.length === increment.payments.length;
    entries.push({
      kind: 'payment',
      atMs: Math.max(...paid.map((p) => p.paidAtMs ?? 0)),
      title: `Paid increment ${incrementNumber(increment.index)}: ${formatMoney(total, token)}`,
      detail: `${whole ? '' : `${paid.length} of ${increment.payments.length} · `}to ${paid.map((p) => shortAddress(p.payee)).join(', ')}`,
      signatures: paid.map((p) => p.signature ?? ''),
    });
  }
  // What the machines said about their nodes (a pause for heat, its resume) and each GPU check.
  for (const note of nodeNotes) entries.push({ kind: 'state', atMs: note.atMs, title: `Machine ${note.rank}`, detail: note.message, tone: /paused|too hot|failed/i.test(note.message) ? 'error' : 'info' });
  for (const check of lease.attestation ?? []) {
    if (check.state !== 'passed' && check.state !== 'failed') continue;
    entries.push({ kind: 'state', atMs: check.updatedAtMs, title: `Machine ${check.rank}: GPU check ${check.state}`, detail: check.message ?? '', tone: check.state === 'passed' ? 'ok' : 'error' });
  }
  return entries.sort((a, b) => a.atMs - b.atMs);
}

export function LeaseTimeline({ lease, token, nodeNotes }: { lease: LeaseView; token: TokenUnit; nodeNotes?: RentLease['nodeNotes'] }) {
  const entries = leaseTimeline(lease, token, nodeNotes ?? []);
  return (
    <section className="card rent-timeline-card" aria-labelledby="lease-timeline-title">
      <h3 className="card-title" id="lease-timeline-title">
        Timeline
      </h3>
      <ol className="rent-timeline" data-testid="lease-timeline">
        {entries.map((entry, i) => (
          <li key={`${entry.kind}-${entry.atMs}-${i}`} className={`rent-timeline-item rent-timeline-${entry.kind === 'payment' ? 'payment' : entry.tone}`} data-testid="lease-timeline-item" data-kind={entry.kind}>
            <span className="rent-timeline-dot" aria-hidden="true" />
            <div className="rent-timeline-body">
              <div className="rent-timeline-title">
                <strong>{entry.title}</strong>
                <time className="muted small" dateTime={new Date(entry.atMs).toISOString()} title={formatDateTime(entry.atMs)}>
                  {new Date(entry.atMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                </time>
              </div>
              <p className="muted small rent-timeline-detail">
                {entry.detail}
                {entry.kind === 'payment'
                  ? entry.signatures.map((signature) => (
                      <span key={signature}>
                        {' · '}
                        <code title={signature}>{shortSignature(signature)}</code>
                      </span>
                    ))
                  : null}
              </p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
