import './lease-billing-card.css';
import { useEffect, useState } from 'react';
import type { RentLease } from '../../../../common/market/rent-types';
import { formatAmount, parseAmount } from '../../../../common/money/amount-text';
import type { TokenUnit } from '../../../../common/money/token';
import { useNow } from '../../app/use-now';
import { formatDateTime, formatDuration } from '../../format/market-format';
import { formatMoney } from '../../format/wallet-format';
import type { RentAction } from '../../stores/rent-store';
import { accruedCost, extensionCost, formatCountdown, perIncrementCost, plannedEndMs, terminationSummary } from './rent-format';
import { Money } from '../../components/money';
import { incrementNumber } from '../../../../common/market/increment-number';

interface LeaseBillingCardProps {
  rentLease: RentLease;
  /** The lease's payment token. */
  token: TokenUnit;
  busy: RentAction | null;
  /** The last failed action on this lease, as main said it. */
  error: { action: RentAction; message: string } | null;
  onPayNext: () => void;
  onSetAutoPay: (enabled: boolean, budget?: string) => void;
  onExtend: (increments: number) => void;
  onTerminate: () => void;
}

/** What the lease costs and has cost, what is due next, and the renter's levers on it. */
/**
 * "Auto-paid today: X of your daily cap Y", with a bar: everything auto-pay spent in the
 * last 24 hours over every lease, next to the owner's cap (issue 14.2). Shown wherever a
 * budget is, and on Spending.
 */
export function AutoPaidToday({ paid, cap, token }: { paid: string; cap: string; token: Parameters<typeof formatMoney>[1] }) {
  const share = BigInt(cap) > 0n ? Number((BigInt(paid) * 1000n) / BigInt(cap)) / 1000 : 1;
  return (
    <div className="rent-autopay-spent rent-autopay-day" data-testid="autopay-day">
      <div className="meter" role="meter" aria-label="Auto-paid in the last 24 hours" aria-valuemin={0} aria-valuemax={1} aria-valuenow={Math.min(1, share)}>
        <div className={share >= 0.9 ? 'meter-fill meter-fill-warn' : 'meter-fill'} style={{ width: `${Math.min(1, share) * 100}%` }} />
      </div>
      <span className="small">
        <strong>Auto-paid today: {formatMoney(paid, token)}</strong> of your daily cap {formatMoney(cap, token)} (last 24 hours, every lease; Settings → Wallet)
      </span>
    </div>
  );
}

export function LeaseBillingCard({ rentLease, token, busy, error, onPayNext, onSetAutoPay, onExtend, onTerminate }: LeaseBillingCardProps) {
  const { lease, autoPay, nextDue } = rentLease;
  const now = useNow(1000);
  const ended = lease.state === 'ended';
  const perIncrement = perIncrementCost(lease);
  const [budget, setBudget] = useState(() => formatAmount({ token, baseUnits: autoPay.limit === '0' ? perIncrement * BigInt(Math.max(1, lease.incrementCount)) : BigInt(autoPay.limit) }));
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const [extendCount, setExtendCount] = useState('1');
  const [confirmTerminate, setConfirmTerminate] = useState(false);
  const [confirmExtend, setConfirmExtend] = useState(false);

  // The limit changed elsewhere (main, another window): show it.
  useEffect(() => {
    if (autoPay.limit !== '0') setBudget(formatAmount({ token, baseUnits: BigInt(autoPay.limit) }));
  }, [autoPay.limit, token]);

  const parsedBudget = (): string | null => {
    const amount = parseAmount(budget, token);
    if (!amount.ok) {
      setBudgetError(amount.error);
      return null;
    }
    setBudgetError(null);
    return amount.baseUnits.toString();
  };

  const toggleAutoPay = (enabled: boolean) => {
    if (!enabled) return onSetAutoPay(false);
    const limit = parsedBudget();
    if (limit) onSetAutoPay(true, limit);
  };

  const extendN = Number(extendCount);
  const extendValid = Number.isInteger(extendN) && extendN >= 1 && extendN <= 1000;
  const errorFor = (action: RentAction) => (error?.action === action ? error.message : null);
  const extension = extendValid ? extensionCost(lease, extendN) : null;
  const ending = confirmTerminate ? terminationSummary(lease, now) : null;
  const endMs = plannedEndMs(lease);
  const spentShare = autoPay.limit !== '0' ? Number((BigInt(autoPay.spent) * 1000n) / BigInt(autoPay.limit)) / 1000 : 0;

  return (
    <section className="card rent-billing" aria-labelledby="lease-billing-title" data-testid="lease-billing">
      <h3 className="card-title" id="lease-billing-title">
        Cost and payments
      </h3>
      <dl className="rent-billing-facts">
        <div>
          <dt>Cost so far</dt>
          <dd className="mono" data-testid="lease-cost-so-far">
            <Money baseUnits={accruedCost(lease, now)} token={token} />
          </dd>
        </div>
        <div>
          <dt>Paid so far</dt>
          <dd className="mono" data-testid="lease-paid-so-far">
            <Money baseUnits={lease.paidSoFar} token={token} />
          </dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd className="mono"><Money baseUnits={perIncrement} token={token} /></dd>
          <dd className="muted small">per {formatDuration(lease.incrementMs)}</dd>
        </div>
        <div>
          <dt>Paid through</dt>
          <dd className="mono" data-testid="lease-paid-through">
            {lease.paidThroughMs === null ? '—' : ended || lease.paidThroughMs <= now ? formatDateTime(lease.paidThroughMs) : formatCountdown(lease.paidThroughMs, now)}
          </dd>
          {lease.paidThroughMs !== null && !ended && lease.paidThroughMs > now ? <dd className="muted small">left</dd> : null}
        </div>
        <div>
          <dt>{ended ? 'Was planned to end' : 'Planned end'}</dt>
          <dd className="mono" data-testid="lease-planned-end">
            {endMs === null ? formatDuration(lease.incrementCount * lease.incrementMs) : formatDateTime(endMs)}
          </dd>
          <dd className="muted small">{endMs === null ? 'after it starts' : `${lease.incrementCount} × ${formatDuration(lease.incrementMs)}`}</dd>
        </div>
      </dl>

      {nextDue && !ended ? (
        <div className={nextDue.dueAtMs !== null && nextDue.dueAtMs - now < 60_000 ? 'rent-next-due rent-next-due-soon' : 'rent-next-due'} data-testid="lease-next-due" data-increment={nextDue.increment}>
          <div>
            <strong>
              Increment {incrementNumber(nextDue.increment)} of {lease.incrementCount}: <Money baseUnits={nextDue.amount} token={token} />
            </strong>
            <span className="muted small">
              {nextDue.dueAtMs === null ? 'due when the lease starts' : nextDue.dueAtMs <= now ? 'due now' : `due in ${formatCountdown(nextDue.dueAtMs, now)}`}
              {autoPay.enabled ? ' · auto-pay will pay it' : ''}
            </span>
          </div>
          <button type="button" className="button button-primary button-small" disabled={busy !== null} onClick={onPayNext} data-testid="lease-pay-next">
            {busy === 'pay-next' ? 'Paying…' : 'Pay now'}
          </button>
        </div>
      ) : null}
      {errorFor('pay-next') ? <p className="field-error" role="alert">Not paid: {errorFor('pay-next')}</p> : null}

      {!ended ? (
      <div className="rent-billing-row">
        <label className="rent-switch-line">
          <span className="switch">
            <input type="checkbox" role="switch" checked={autoPay.enabled} disabled={ended || busy === 'auto-pay'} onChange={(e) => toggleAutoPay(e.target.checked)} data-testid="lease-autopay-toggle" />
            <span className="switch-track" aria-hidden="true">
              <span className="switch-thumb" />
            </span>
          </span>
          <span>
            <strong>Auto-pay</strong>
            <span className="muted small rent-block">Pays each increment when due, without asking, up to the budget.</span>
          </span>
        </label>
        <div className="rent-budget">
          <div className="input-suffix">
            <input className="text-input mono" inputMode="decimal" aria-label="Auto-pay budget" value={budget} onChange={(e) => setBudget(e.target.value)} disabled={ended} aria-invalid={budgetError ? true : undefined} data-testid="lease-autopay-budget" />
            <span>{token.symbol}</span>
          </div>
          {autoPay.enabled ? (
            <button type="button" className="button button-small" disabled={ended || busy !== null} onClick={() => toggleAutoPay(true)} data-testid="lease-autopay-save">
              Set budget
            </button>
          ) : null}
        </div>
      </div>
      ) : null}
      {autoPay.limit !== '0' ? (
        <div className="rent-autopay-spent" data-testid="lease-autopay-spent">
          <div className="meter" aria-hidden="true">
            <div className={spentShare >= 0.9 ? 'meter-fill meter-fill-warn' : 'meter-fill'} style={{ width: `${Math.min(1, spentShare) * 100}%` }} />
          </div>
          <span className="muted small">
            <Money baseUnits={autoPay.spent} token={token} /> of <Money baseUnits={autoPay.limit} token={token} /> auto-paid
          </span>
        </div>
      ) : null}
      {autoPay.dayCap !== undefined && autoPay.dayPaid !== undefined && (autoPay.enabled || autoPay.dayPaid !== '0') ? <AutoPaidToday paid={autoPay.dayPaid} cap={autoPay.dayCap} token={token} /> : null}
      {budgetError ? <p className="field-error">{budgetError}</p> : null}
      {errorFor('auto-pay') ? <p className="field-error" role="alert">{errorFor('auto-pay')}</p> : null}

      {!ended ? (
        <div className="rent-billing-actions">
          <div className="rent-extend">
            <label className="field-label" htmlFor="lease-extend-count">
              Extend by
            </label>
            <input id="lease-extend-count" className="text-input mono rent-extend-count" inputMode="numeric" value={extendCount} onChange={(e) => setExtendCount(e.target.value)} aria-invalid={extendValid ? undefined : true} data-testid="lease-extend-count" />
            <span className="muted small">× {formatDuration(lease.incrementMs)}</span>
            {confirmExtend && extension ? (
              <span className="rent-extend-confirm" role="alertdialog" aria-label="Extend the lease?" data-testid="lease-extend-confirm-box">
                <span className="small" data-testid="lease-extend-summary">
                  {extendN} more increment{extendN === 1 ? '' : 's'} cost <Money baseUnits={extension.cost} token={token} />, paid as each comes due
                  {extension.plannedEndMs !== null ? `; the lease then ends ${formatDateTime(extension.plannedEndMs)}` : ''}. Extend?
                </span>
                <button type="button" className="button button-small button-ghost" onClick={() => setConfirmExtend(false)} data-testid="lease-extend-cancel">
                  Cancel
                </button>
                <button type="button" className="button button-small button-primary" disabled={busy !== null} onClick={() => { setConfirmExtend(false); onExtend(extendN); }} data-testid="lease-extend-confirm">
                  Extend
                </button>
              </span>
            ) : (
              <button type="button" className="button button-small" disabled={!extendValid || busy !== null} onClick={() => setConfirmExtend(true)} data-testid="lease-extend">
                {busy === 'extend' ? 'Extending…' : extension ? `Extend for ${formatMoney(extension.cost, token)}…` : 'Extend…'}
              </button>
            )}
          </div>
          {confirmTerminate ? (
            <div className="rent-terminate-confirm" role="alertdialog" aria-label="Terminate the lease?" data-testid="lease-terminate-confirm-box">
              <span className="small" data-testid="lease-terminate-summary">
                Stop every container now? No further increment is paid.
                {ending ? (
                  <>
                    {' '}Paid <Money baseUnits={ending.paid} token={token} />, used <Money baseUnits={ending.used} token={token} />
                    {ending.unused > 0n ? (
                      <>; about <Money baseUnits={ending.unused} token={token} /> of paid time is not used: each supplier's machine refunds its unused part to this wallet after the end (the hub records a refund that does not come).</>
                    ) : (
                      <>; nothing paid is left unused, so nothing comes back.</>
                    )}
                  </>
                ) : null}
              </span>
              <span className="small field-error" data-testid="lease-terminate-outputs-warning">
                Each node's <code>/outputs</code> is deleted with the lease: download it first (Terminals → Download outputs).
              </span>
              <button type="button" className="button button-small button-ghost" onClick={() => setConfirmTerminate(false)} data-testid="lease-terminate-cancel">
                Keep running
              </button>
              <button type="button" className="button button-small button-danger" disabled={busy !== null} onClick={() => { setConfirmTerminate(false); onTerminate(); }} data-testid="lease-terminate-confirm">
                Terminate
              </button>
            </div>
          ) : (
            <button type="button" className="button button-small button-danger-ghost" disabled={busy !== null} onClick={() => setConfirmTerminate(true)} data-testid="lease-terminate">
              {busy === 'terminate' ? 'Terminating…' : 'Terminate…'}
            </button>
          )}
        </div>
      ) : null}
      {errorFor('extend') ? <p className="field-error" role="alert">Not extended: {errorFor('extend')}</p> : null}
      {errorFor('terminate') ? <p className="field-error" role="alert">Not terminated: {errorFor('terminate')}</p> : null}
    </section>
  );
}
