import { describe, expect, it } from 'vitest';
import { signingDraft } from './signing-approvals';

const base = { kind: 'send' as const, purpose: 'Send 1 SOL', transfers: [], feeLamports: '5000', memo: null, warnings: [] };

describe('signingDraft', () => {
  it('is the app\'s own request by default: no programs, no message', () => {
    expect(signingDraft(base, 'W1', 'sandbox')).toEqual({ ...base, origin: 'app', programs: [], message: null, walletAddress: 'W1', network: 'sandbox' });
  });

  it('keeps what a connected page\'s request says about itself', () => {
    const draft = signingDraft({ ...base, kind: 'message', origin: 'wallet-standard', programs: ['P'], message: 'hello' }, 'W1', 'devnet');
    expect(draft).toMatchObject({ origin: 'wallet-standard', programs: ['P'], message: 'hello' });
  });

  it('always names the wallet and network it is given, whatever the draft carries', () => {
    const draft = signingDraft({ ...base, walletAddress: 'someone-else', network: 'mainnet' }, 'W1', 'sandbox');
    expect(draft).toMatchObject({ walletAddress: 'W1', network: 'sandbox' });
  });
});
