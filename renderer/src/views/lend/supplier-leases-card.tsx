import './supplier-leases-card.css';
import type { SupplierLease } from '../../../../common/market/lend-types';
import { StatusPill } from '../../components/status-pill';
import { formatDateTime } from '../../format/market-format';
import { shortAddress } from '../../format/wallet-format';
import { LEASE_STATE_LABELS, LEASE_STATE_TONES } from './supplier-state';
import { usePaymentToken } from '../../wallet/use-payment-token';
import { Money } from '../../components/money';

interface SupplierLeasesCardProps {
  leases: SupplierLease[];
  sharing: boolean;
}

/** Renters' leases placed on this machine: who, which slice of their cluster, what it earned. */
export function SupplierLeasesCard({ leases, sharing }: SupplierLeasesCardProps) {
  const token = usePaymentToken();
  if (leases.length === 0) {
    return (
      <div className="card card-empty" data-testid="supplier-leases-empty">
        <p className="muted">
          {sharing
            ? 'No leases yet. When a renter leases GPUs here, the lease appears with its renter, image and earnings.'
            : 'No leases. Start sharing to offer your GPUs on the market; leases placed here appear in this list.'}
        </p>
      </div>
    );
  }
  return (
    <div className="card card-flush table-wrap">
      <table className="table" data-testid="supplier-leases">
        <thead>
          <tr>
            <th scope="col">Lease</th>
            <th scope="col">Renter</th>
            <th scope="col">Node</th>
            <th scope="col">GPUs</th>
            <th scope="col">Image</th>
            <th scope="col">State</th>
            <th scope="col">Paid through</th>
            <th scope="col" className="num">Earned</th>
          </tr>
        </thead>
        <tbody>
          {leases.map((lease) => (
            <tr key={lease.leaseId} data-testid="supplier-lease" data-lease-id={lease.leaseId} data-state={lease.state}>
              <td className="mono" title={lease.leaseId}>
                {shortAddress(lease.leaseId)}
              </td>
              <td className="mono" title={lease.renter}>
                {shortAddress(lease.renter)}
              </td>
              <td>
                rank {lease.rank} of {lease.worldSize}
              </td>
              <td title={lease.gpuUuids.join('\n')} data-testid="supplier-lease-gpus">
                {lease.gpuUuids.length}
              </td>
              <td className="mono lease-image" title={lease.image}>
                {lease.image}
              </td>
              <td>
                <StatusPill tone={LEASE_STATE_TONES[lease.state]} title={lease.message ?? undefined}>
                  {LEASE_STATE_LABELS[lease.state]}
                </StatusPill>
                {lease.message ? <div className="lease-message">{lease.message}</div> : null}
                {lease.attestation ? (
                  <div className={lease.attestation.state === 'failed' ? 'lease-message field-error' : 'lease-message'} data-testid="supplier-lease-check" data-check={lease.attestation.state} data-reason={lease.attestation.reason ?? ''}>
                    GPU check {lease.attestation.state}: {lease.attestation.message}
                    {lease.attestation.advice ? <div data-testid="supplier-lease-check-advice">{lease.attestation.advice}</div> : null}
                  </div>
                ) : null}
              </td>
              <td>{formatDateTime(lease.paidThroughMs)}</td>
              <td className="num" data-testid="supplier-lease-earned">
                <Money baseUnits={lease.earned} token={token} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
