import { useState } from 'react';
import type { FormEvent } from 'react';
import { useStores, useStoreState } from '../app/store-hooks';
import { SegmentedControl } from '../components/segmented-control';

const MODES = [
  { value: 'create', label: 'Create new' },
  { value: 'import', label: 'Import' },
] as const;

type Mode = (typeof MODES)[number]['value'];

/**
 * Getting to a usable wallet: choose or enter the passphrase first (headless), then
 * create a keypair or import one. The secret typed here goes to main once, where it is
 * encrypted at once; it is never shown again.
 */
export function WalletSetupForm({ initialMode = 'create', onDone }: { initialMode?: Mode; onDone?: () => void }) {
  const state = useStoreState('wallet', (s) => s.wallet);
  if (!state) return null;
  if (state.protection === 'passphrase' && (!state.passphraseSet || state.locked)) {
    return <PassphraseForm firstTime={!state.passphraseSet} />;
  }
  return <CreateOrImport initialMode={initialMode} onDone={onDone} />;
}

function PassphraseForm({ firstTime }: { firstTime: boolean }) {
  const { wallet } = useStores();
  const busy = useStoreState('wallet', (s) => s.busy === 'unlock');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const mismatch = firstTime && repeat.length > 0 && repeat !== passphrase;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    if (await wallet.getState().unlock(passphrase)) {
      setPassphrase('');
      setRepeat('');
    }
  };

  return (
    <form className="wallet-form" onSubmit={(e) => void submit(e)} data-testid="wallet-passphrase-form">
      <p className="muted">
        {firstTime
          ? 'Choose a passphrase. It encrypts your wallet keys on this machine; without it they cannot be used. It is not stored anywhere, so keep it safe.'
          : 'The wallet is locked. Enter your passphrase to use it in this session; it locks itself again after 15 minutes unused.'}
      </p>
      <label className="field">
        <span className="field-label">Passphrase</span>
        <input
          className="text-input"
          type="password"
          autoComplete={firstTime ? 'new-password' : 'current-password'}
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          minLength={firstTime ? 8 : 1}
          required
          data-testid="wallet-passphrase"
        />
      </label>
      {firstTime ? (
        <label className="field">
          <span className="field-label">Repeat it</span>
          <input
            className="text-input"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            required
            aria-invalid={mismatch}
            data-testid="wallet-passphrase-repeat"
          />
          {mismatch ? <span className="field-error">The two passphrases differ.</span> : null}
        </label>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || mismatch} data-testid="wallet-unlock-submit">
          {firstTime ? 'Set passphrase' : 'Unlock'}
        </button>
      </div>
    </form>
  );
}

function CreateOrImport({ initialMode, onDone }: { initialMode: Mode; onDone?: () => void }) {
  const { wallet } = useStores();
  const busy = useStoreState('wallet', (s) => s.busy);
  const [mode, setMode] = useState<Mode>(initialMode);
  const [label, setLabel] = useState('');
  const [secret, setSecret] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const store = wallet.getState();
    const account = mode === 'create' ? await store.create(label.trim() || undefined) : await store.importKey(secret, label.trim() || undefined);
    if (account) {
      setSecret('');
      onDone?.();
    }
  };

  const readFile = (file: File | undefined) => {
    if (!file) return;
    if (file.size > 4096) {
      wallet.setState({ error: 'That file is too large to be a Solana key file (a key file is a few hundred bytes).' });
      return;
    }
    void file.text().then(setSecret);
  };

  return (
    <form className="wallet-form" onSubmit={(e) => void submit(e)} data-testid="wallet-setup-form">
      <SegmentedControl legend="Create or import" options={MODES} value={mode} onChange={setMode} testId="wallet-setup-mode" />
      {mode === 'create' ? (
        <p className="muted">A new keypair is made on this machine and encrypted at rest. Export it later to keep a backup.</p>
      ) : (
        <>
          <p className="muted">
            Paste a Solana CLI key file (a JSON array of 64 numbers, e.g. <code>~/.config/solana/id.json</code>) or a base58 secret key, or
            pick the file. It is encrypted as soon as it reaches the app.
          </p>
          <label className="field">
            <span className="field-label">Secret key</span>
            <textarea
              className="text-input textarea"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              rows={3}
              spellCheck={false}
              autoComplete="off"
              required
              data-testid="wallet-import-secret"
            />
          </label>
          <label className="field">
            <span className="field-label">Or a key file</span>
            <input type="file" accept=".json,.txt,application/json,text/plain" onChange={(e) => readFile(e.target.files?.[0])} data-testid="wallet-import-file" />
          </label>
        </>
      )}
      <label className="field">
        <span className="field-label">Name (optional)</span>
        <input className="text-input" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={64} placeholder="e.g. Rig 3" data-testid="wallet-label" />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy !== null} data-testid="wallet-setup-submit">
          {mode === 'create' ? 'Create wallet' : 'Import wallet'}
        </button>
      </div>
    </form>
  );
}
