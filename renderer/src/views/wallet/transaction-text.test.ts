import { describe, expect, it } from 'vitest';
import type { WalletTransaction } from '../../../../common/wallet/wallet-types';
import { transactionDirection, transactionText } from './transaction-text';

const RENTER = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const LEASE = 'lease-7f3a9c1e2b4d4e0f8a1b2c3d4e5f6a7b';

function tx(over: Partial<WalletTransaction>): WalletTransaction {
  return { signature: 's', slot: 1, blockTimeMs: 1, status: 'finalized', error: null, solChange: '0', tokenChange: '0', counterparty: null, memo: null, purpose: null, ...over };
}

describe('transactionText', () => {
  it('says an incoming lease payment was received, from whom, numbering the increment from 1', () => {
    const incoming = tx({ tokenChange: '250000', counterparty: RENTER, memo: `idlegrid:hub-1:${LEASE}:0` });
    expect(transactionDirection(incoming)).toBe('in');
    expect(transactionText(incoming)).toBe(`Received from 7xKX…gAsU: lease ${LEASE}, increment 1`);
  });

  it('keeps what this app did for its own outgoing payments, and says "Sent to" otherwise', () => {
    expect(transactionText(tx({ tokenChange: '-250000', solChange: '-5000', counterparty: RENTER, purpose: 'Send 0.25 USDC to x' }))).toBe('Send 0.25 USDC to x');
    expect(transactionText(tx({ tokenChange: '-250000', counterparty: RENTER }))).toBe('Sent to 7xKX…gAsU');
    // A fee alone is not "received": the token decides the direction first.
    expect(transactionDirection(tx({ tokenChange: '-1', solChange: '5000' }))).toBe('out');
  });

  it('names a refund as a refund', () => {
    expect(transactionText(tx({ tokenChange: '100', counterparty: RENTER, memo: `idlegrid-refund:hub-1:${LEASE}:2` }))).toBe(`Received from 7xKX…gAsU: refund of lease ${LEASE}, increment 3`);
  });
});
