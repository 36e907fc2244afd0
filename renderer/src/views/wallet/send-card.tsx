import './send-card.css';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { isAddress } from '@solana/kit';
import { useStores, useStoreState } from '../../app/store-hooks';
import { CopyButton } from '../../components/copy-button';
import { SegmentedControl } from '../../components/segmented-control';
import { parseAmount } from '../../../../common/money/amount-text';
import { SOL } from '../../../../common/money/token';
import type { SendToken } from '../../../../common/wallet/wallet-types';
import { usePaymentToken } from '../../wallet/use-payment-token';

/**
 * Send SOL or the network's payment token. The form only checks the input; main builds the transaction and asks
 * for confirmation in the signing dialog, showing exactly what will be signed.
 */
export function SendCard() {
  const { wallet } = useStores();
  const busy = useStoreState('wallet', (s) => s.busy === 'send');
  const payment = usePaymentToken();
  const options = useMemo(() => [{ value: payment.symbol, label: payment.symbol }, { value: SOL.symbol, label: SOL.symbol }], [payment.symbol]);
  const from = useStoreState('wallet', (s) => s.wallet?.activeAddress ?? null);
  const [to, setTo] = useState('');
  const [chosen, setToken] = useState<SendToken>(payment.symbol);
  // The network may change under the form: anything but SOL means its payment token.
  const token = chosen === SOL.symbol ? SOL.symbol : payment.symbol;
  const [amount, setAmount] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    const recipient = to.trim();
    if (!isAddress(recipient)) return setProblem('That is not a Solana address: 32–44 letters and digits, without 0, O, I or l.');
    if (recipient === from) return setProblem('That is this wallet’s own address.');
    const parsed = parseAmount(amount, token === SOL.symbol ? SOL : payment);
    if (!parsed.ok) return setProblem(parsed.error);
    if (parsed.baseUnits === 0n) return setProblem('Enter an amount above zero.');
    setProblem(null);
    const signature = await wallet.getState().send(recipient, token, parsed.baseUnits.toString());
    if (signature) {
      setSent(signature);
      setAmount('');
    }
  };

  return (
    <section className="card" data-testid="wallet-send">
      <h2 className="card-title">Send</h2>
      <form className="wallet-form send-form" onSubmit={(e) => void submit(e)} noValidate>
        <label className="field field-wide">
          <span className="field-label">To address</span>
          <input className="text-input mono" value={to} onChange={(e) => setTo(e.target.value)} spellCheck={false} autoComplete="off" data-testid="send-to" />
        </label>
        <div className="field">
          <span className="field-label">Token</span>
          <SegmentedControl legend="Token" options={options} value={token} onChange={setToken} testId="send-token" />
        </div>
        <label className="field">
          <span className="field-label">Amount</span>
          <input className="text-input" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="e.g. 1.5" data-testid="send-amount" />
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy} data-testid="send-submit">
            {busy ? 'Waiting for your confirmation…' : 'Review and send'}
          </button>
        </div>
      </form>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {sent ? (
        <p className="small send-done" role="status" data-testid="send-done">
          Sent and confirmed. Signature <code title={sent}>{sent.slice(0, 16)}…</code>
          <CopyButton text={sent} what="signature" />
        </p>
      ) : null}
    </section>
  );
}
