import type { ExplorerPayment } from '../../../../common/hub/http-api';
import { CopyButton } from '../../components/copy-button';
import { formatDateTime, shortSignature } from '../../format/market-format';
import { shortAddress } from '../../format/wallet-format';
import type { TokenUnit } from '../../../../common/money/token';
import { Money } from '../../components/money';
import { incrementNumber } from '../../../../common/market/increment-number';

/** The hub's most recent verified payments, across every supplier and renter. */
export function ExplorerPaymentsTable({ payments, token }: { payments: ExplorerPayment[]; token: TokenUnit }) {
  if (payments.length === 0) {
    return (
      <div className="card">
        <p className="muted">No payments yet on this hub. They appear here as renters pay for leases.</p>
      </div>
    );
  }
  return (
    <div className="card card-flush table-wrap">
      <table className="table" data-testid="explorer-payments">
        <thead>
          <tr>
            <th scope="col">Paid</th>
            <th scope="col">Signature</th>
            <th scope="col">Lease</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" className="num">Amount</th>
          </tr>
        </thead>
        <tbody>
          {payments.map((p) => (
            <tr key={p.signature} data-testid="explorer-payment" data-signature={p.signature} data-lease-id={p.leaseId}>
              <td>{formatDateTime(p.paidAtMs)}</td>
              <td>
                <span className="signature-cell">
                  <code title={p.signature}>{shortSignature(p.signature)}</code>
                  <CopyButton text={p.signature} what="signature" />
                </span>
              </td>
              <td className="mono" title={p.leaseId}>
                {shortAddress(p.leaseId)} <span className="muted">#{incrementNumber(p.increment)}</span>
              </td>
              <td className="mono" title={p.payer}>
                {shortAddress(p.payer)}
              </td>
              <td className="mono" title={p.payee}>
                {shortAddress(p.payee)}
              </td>
              <td className="num"><Money baseUnits={p.amount} token={token} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
