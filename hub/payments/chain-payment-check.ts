import type { Signature } from '@solana/kit';
import { ChainClient } from '../../solana/rpc/chain-client';
import { PaymentVerifier } from '../../solana/payments/payment-verifier';
import type { ChainReader } from '../../solana/payments/payment-verifier';
import type { ExpectedTransfer, PaymentCheck, PaymentCheckResult } from './payment-check';
import { errorText } from '../../common/errors';

const RETRYABLE = new Set(['not_found', 'not_confirmed']);

/**
 * The hub's payment check on a real chain: the wallet's PaymentVerifier (the same code the
 * workers run) reading transactions over Solana JSON-RPC. The hub uses it without the
 * verifier's own credit store, because the hub credits a signature once in hub.db (a
 * unique key next to the lease it pays), so it can ask again after a restart.
 *
 * "Not found" and "not confirmed" are answers that may change in a moment, so they are
 * marked retryable; an RPC that cannot be reached is retryable too and never read as
 * "not paid".
 */
export class ChainPaymentCheck implements PaymentCheck {
  constructor(
    private readonly verifier: PaymentVerifier,
    private readonly rpcUrl: string,
  ) {}

  static forRpc(rpcUrl: string, commitment: 'confirmed' | 'finalized' = 'confirmed'): ChainPaymentCheck {
    const client = new ChainClient(rpcUrl);
    const chain: ChainReader = {
      transaction: (signature, c) => client.transaction(signature, c) as ReturnType<ChainReader['transaction']>,
      signatureStatus: (signature) => client.signatureStatus(signature),
    };
    return new ChainPaymentCheck(new PaymentVerifier({ chain, commitment }), rpcUrl);
  }

  async verify(expected: ExpectedTransfer, signature: string): Promise<PaymentCheckResult> {
    let result;
    try {
      result = await this.verifier.verify({ signature: signature as Signature, ...expected });
    } catch (error) {
      return {
        ok: false,
        reason: 'chain_unreachable',
        message: `The hub could not ask the chain at ${this.rpcUrl} about this payment (${errorText(error)}).`,
        retryable: true,
      };
    }
    if (result.ok) return { ok: true, payer: null };
    return { ok: false, reason: result.reason, message: `${result.message} (${result.detail})`, retryable: RETRYABLE.has(result.reason) };
  }
}
