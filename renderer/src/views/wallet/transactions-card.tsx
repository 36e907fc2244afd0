import './transactions-card.css';
import { Money } from '../../components/money';
import { useNow } from '../../app/use-now';
import { CopyButton } from '../../components/copy-button';
import { StatusPill } from '../../components/status-pill';
import { formatAgo } from '../../format/time-format';
import { formatSol, shortAddress } from '../../format/wallet-format';
import { transactionDirection, transactionText } from './transaction-text';
import type { TokenUnit } from '../../../../common/money/token';
import type { WalletTransaction } from '../../../../common/wallet/wallet-types';

/** Recent transactions of the active wallet, from the chain, labelled with what this app did them for. */
export function TransactionsCard({ transactions, token }: { transactions: WalletTransaction[]; token: TokenUnit }) {
  const now = useNow(10_000);
  return (
    <section className="card card-flush" data-testid="wallet-transactions">
      <h2 className="card-title card-title-padded">Recent transactions</h2>
      {transactions.length === 0 ? (
        <p className="muted card-empty">No transactions yet. Faucet top-ups, payments and transfers appear here.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col" className="num">
                  {token.symbol}
                </th>
                <th scope="col" className="num">
                  SOL
                </th>
                <th scope="col">Status</th>
                <th scope="col">Signature</th>
              </tr>
            </thead>
            <tbody>
              {transactions.map((tx) => (
                <tr key={tx.signature} data-testid="wallet-transaction">
                  <td title={tx.blockTimeMs ? new Date(tx.blockTimeMs).toLocaleString() : undefined}>{formatAgo(tx.blockTimeMs, now)}</td>
                  <td className="tx-what" data-direction={transactionDirection(tx)} title={tx.counterparty ?? undefined}>
                    {transactionText(tx)}
                    {tx.purpose && tx.memo ? <span className="small muted tx-memo">{tx.memo}</span> : null}
                  </td>
                  <td className={`num ${amountClass(tx.tokenChange)}`}>{tx.tokenChange === '0' ? '' : <Money baseUnits={tx.tokenChange} token={token} signed />}</td>
                  <td className={`num ${amountClass(tx.solChange)}`}>{tx.solChange === '0' ? '' : formatSol(tx.solChange, { signed: true })}</td>
                  <td>
                    <StatusPill tone={tx.status === 'failed' ? 'error' : tx.status === 'finalized' ? 'ok' : 'info'} title={tx.error ?? undefined}>
                      {tx.status === 'failed' ? 'Failed' : tx.status === 'finalized' ? 'Finalized' : 'Confirmed'}
                    </StatusPill>
                  </td>
                  <td>
                    <span className="tx-signature">
                      <code title={tx.signature}>{shortAddress(tx.signature)}</code>
                      <CopyButton text={tx.signature} what="signature" />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function amountClass(change: string): string {
  return change.startsWith('-') ? 'amount-out' : change === '0' ? '' : 'amount-in';
}
