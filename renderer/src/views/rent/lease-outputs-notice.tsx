import './lease-outputs-notice.css';
import type { RentLease } from '../../../../common/market/rent-types';
import { useNow } from '../../app/use-now';
import { useStores, useStoreState } from '../../app/store-hooks';
import { Icon } from '../../components/icon';
import { formatDateTime } from '../../format/market-format';
import { outputsOffer } from './outputs-offer';

/**
 * Before a lease ends on its own (its last paid increment runs with nothing to pay the
 * next, or an increment is overdue): download each node's /outputs now, they go with the
 * containers. After the end: a warning when this app did not download them.
 */
export function LeaseOutputsNotice({ rentLease }: { rentLease: RentLease }) {
  const { access } = useStores();
  const nowMs = useNow(1000);
  const leaseId = rentLease.lease.leaseId;
  const downloaded = useStoreState('access', (s) => s.outputsDownloaded[leaseId] ?? null);
  const downloading = useStoreState('access', (s) => s.downloadingOutputs);
  const offer = outputsOffer(rentLease, nowMs, downloaded !== null);
  if (offer.kind === 'none') return null;
  if (offer.kind === 'warn') {
    return (
      <div className="notice rent-outputs-notice" role="alert" data-testid="outputs-not-downloaded">
        <Icon name="alert" className="notice-icon" />
        <div className="notice-body">
          <strong className="notice-title">Outputs not downloaded</strong>
          <p className="notice-message">{offer.why}</p>
        </div>
      </div>
    );
  }
  const ranks = rentLease.lease.nodes.filter((n) => n.state === 'running').map((n) => n.rank);
  return (
    <div className="notice rent-outputs-notice" role="alert" data-testid="outputs-offer" data-downloaded={downloaded ? 'true' : 'false'}>
      <Icon name="alert" className="notice-icon" />
      <div className="notice-body">
        <strong className="notice-title">The lease is ending{offer.endsAtMs !== null ? ` (by ${formatDateTime(offer.endsAtMs)})` : ''}: download your outputs</strong>
        <p className="notice-message">
          {offer.why} Each node's <code>/outputs</code> is deleted with it.
          {downloaded ? ` Downloaded ${formatDateTime(downloaded.atMs)}: ${downloaded.paths.join(', ')}.` : ''}
        </p>
      </div>
      <div className="notice-actions">
        <button type="button" className="button button-small" disabled={downloading !== null || ranks.length === 0} onClick={() => void access.getState().downloadOutputs(leaseId, ranks)} data-testid="outputs-offer-download">
          {downloading === leaseId ? 'Downloading outputs…' : downloaded ? 'Download again' : 'Download outputs'}
        </button>
      </div>
    </div>
  );
}
