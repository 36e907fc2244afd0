import './quote-card.css';
import { useState } from 'react';
import type { RentQuote } from '../../../../common/market/rent-types';
import { formatAmount, parseAmount } from '../../../../common/money/amount-text';
import type { TokenUnit } from '../../../../common/money/token';
import { useNow } from '../../app/use-now';
import { FormField } from '../../components/form-field';
import { formatDuration } from '../../format/market-format';
import { formatMoney, shortAddress } from '../../format/wallet-format';
import { formatCountdown, formatVram, nodeIncrementCost } from './rent-format';
import { Money } from '../../components/money';

interface QuoteCardProps {
  quote: RentQuote;
  paying: boolean;
  /** main's refusal of the payment (declined, balance, expired), as it said it. */
  payError: string | null;
  onPay: (autoPayBudget: string | undefined) => void;
  onDiscard: () => void;
  onRequote: () => void;
}

/** The hub's price for the cluster, held until it expires; paying starts the lease. */
export function QuoteCard({ quote, paying, payError, onPay, onDiscard, onRequote }: QuoteCardProps) {
  const now = useNow(1000);
  const token: TokenUnit = { symbol: quote.token, decimals: quote.decimals };
  // Off until the renter opts in: no money leaves without a confirmation unless they say so.
  const [autoPay, setAutoPay] = useState(false);
  const [budget, setBudget] = useState(() => formatAmount({ token, baseUnits: BigInt(quote.total) }));
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const expired = now >= quote.expiresAtMs;
  const payeeCount = new Set(quote.perIncrement.payments.map((p) => p.payee)).size;
  // Internet egress the job bought: one more column, shown only then.
  const hasEgress = quote.placement.nodes.some((n) => n.egressPricePerHour !== undefined);

  const pay = () => {
    if (!autoPay) return onPay(undefined);
    const amount = parseAmount(budget, token);
    if (!amount.ok) return setBudgetError(amount.error);
    setBudgetError(null);
    onPay(amount.baseUnits.toString());
  };

  return (
    <section className="card rent-quote" aria-labelledby="rent-quote-title" data-testid="rent-quote" data-lease-id={quote.leaseId} data-expired={expired}>
      <header className="rent-quote-head">
        <div>
          <h2 className="card-title" id="rent-quote-title">
            Quote for {quote.placement.gpuCount} GPU{quote.placement.gpuCount === 1 ? '' : 's'} on {quote.placement.nodes.length} machine{quote.placement.nodes.length === 1 ? '' : 's'}
          </h2>
          <p className="rent-part-note">
            Paid per increment of {formatDuration(quote.incrementMs)}, straight to each supplier. {quote.incrementCount} increment{quote.incrementCount === 1 ? '' : 's'} in all.
          </p>
        </div>
        <div className={expired ? 'rent-hold rent-hold-expired' : 'rent-hold'} data-testid="quote-expires" role="timer" aria-live="off">
          {expired ? 'Hold expired' : <>GPUs held for <strong className="mono">{formatCountdown(quote.expiresAtMs, now)}</strong></>}
        </div>
      </header>

      <div className="table-wrap">
        <table className="table rent-quote-nodes">
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Supplier (payee)</th>
              <th scope="col" className="num">GPUs</th>
              <th scope="col">Model</th>
              <th scope="col">Region</th>
              <th scope="col" className="num">Per GPU-hour</th>
              {hasEgress ? <th scope="col" className="num">Internet per hour</th> : null}
              <th scope="col" className="num">Per increment</th>
            </tr>
          </thead>
          <tbody>
            {quote.placement.nodes.map((node) => (
              <tr key={node.rank} data-testid="quote-node" data-rank={node.rank} data-supplier={node.supplier} data-gpus={node.gpuIds.length} data-gpu-model={node.gpuModel}>
                <td className="mono">{node.rank}</td>
                <td className="mono" title={node.supplier}>
                  {shortAddress(node.supplier)}
                </td>
                <td className="num">{node.gpuIds.length}</td>
                <td>
                  {node.gpuModel} <span className="muted small">{formatVram(node.vramMiB)}</span>
                  {node.interruptible ? <span className="rent-badge-warn">interruptible</span> : null}
                </td>
                <td>{node.region}</td>
                <td className="num mono"><Money baseUnits={node.pricePerGpuHour} token={token} /></td>
                {hasEgress ? <td className="num mono" data-testid="quote-node-egress">{node.egressPricePerHour !== undefined ? <Money baseUnits={node.egressPricePerHour} token={token} /> : '—'}</td> : null}
                <td className="num mono"><Money baseUnits={nodeIncrementCost(node, quote.incrementMs)} token={token} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <dl className="rent-quote-sums">
        <div>
          <dt>Per increment</dt>
          <dd className="mono" data-testid="quote-per-increment">
            <Money baseUnits={quote.perIncrement.total} token={token} />
          </dd>
          <dd className="muted small">
            {payeeCount} payment{payeeCount === 1 ? '' : 's'} every {formatDuration(quote.incrementMs)}
          </dd>
        </div>
        <div>
          <dt>Pay now</dt>
          <dd className="mono"><Money baseUnits={quote.firstIncrement.payments.reduce((s, p) => s + BigInt(p.amount), 0n)} token={token} /></dd>
          <dd className="muted small">the first increment</dd>
        </div>
        <div className="rent-quote-total">
          <dt>Total</dt>
          <dd className="mono" data-testid="quote-total">
            <Money baseUnits={quote.total} token={token} />
          </dd>
          <dd className="muted small">for {formatDuration(quote.incrementMs * quote.incrementCount)}</dd>
        </div>
      </dl>

      <div className="rent-quote-autopay">
        <label className="checkbox-line rent-check">
          <input type="checkbox" checked={autoPay} onChange={(e) => setAutoPay(e.target.checked)} data-testid="rent-autopay-toggle" />
          <span>
            Pay the next increments automatically
            <span className="form-field-hint rent-inline-hint">Without asking each time, until this much is spent on this lease. Off: you confirm each payment.</span>
          </span>
        </label>
        {autoPay ? (
          <FormField label="Auto-pay budget" htmlFor="rent-autopay-budget" error={budgetError ?? undefined}>
            <div className="input-suffix">
              <input id="rent-autopay-budget" className="text-input mono" inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} aria-invalid={budgetError ? true : undefined} data-testid="rent-autopay-budget" />
              <span>{token.symbol}</span>
            </div>
          </FormField>
        ) : null}
      </div>

      <footer className="rent-form-foot">
        {payError ? (
          <p className="field-error" role="alert" data-testid="rent-pay-error">
            Not paid: {payError}
          </p>
        ) : (
          <p className="form-field-hint">
            {paying ? 'Confirm each supplier’s payment in the wallet dialog…' : `Your wallet asks you to confirm ${payeeCount === 1 ? 'the payment' : `each of the ${payeeCount} payments`}.`}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button button-ghost" onClick={onDiscard} disabled={paying} data-testid="rent-quote-discard">
            Discard
          </button>
          {expired ? (
            <button type="button" className="button button-primary" onClick={onRequote} data-testid="rent-requote">
              Get a new quote
            </button>
          ) : (
            <button type="button" className="button button-primary" onClick={pay} disabled={paying} data-testid="rent-pay">
              {paying ? 'Paying…' : `Pay ${formatMoney(quote.firstIncrement.payments.reduce((s, p) => s + BigInt(p.amount), 0n), token)}`}
            </button>
          )}
        </div>
      </footer>
    </section>
  );
}
