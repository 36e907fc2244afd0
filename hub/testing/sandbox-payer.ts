import { generateKeyPairSigner, getSignatureFromTransaction, signBytes } from '@solana/kit';
import type { Address, Instruction, KeyPairSigner } from '@solana/kit';
import type { IncrementPayment } from '../../common/hub/lease-types';
import { ChainClient } from '../../solana/rpc/chain-client';
import { buildPaymentInstructions, signInstructions } from '../../solana/payments/payment-builder';
import type { PaymentRequest } from '../../solana/payments/payment-builder';
import { USDC } from '../../common/money/token-registry';

/**
 * A renter's wallet on the sandbox chain for tests: funded from the faucet, signs in to
 * the hub with the same key, and pays increments as the app will — a checked SPL transfer
 * with the reference key and the memo, built by the wallet's payment builder, sent and
 * confirmed over the real RPC.
 */
export class SandboxPayer {
  private constructor(
    readonly signer: KeyPairSigner,
    readonly chain: ChainClient,
    readonly mint: Address,
  ) {}

  static async create(rpcUrl: string, mint: string, usdc = 1_000_000_000n): Promise<SandboxPayer> {
    const signer = await generateKeyPairSigner();
    const chain = new ChainClient(rpcUrl);
    const signatures = await chain.sandboxFaucet(signer.address, { lamports: 2_000_000_000n, usdc });
    for (const s of signatures) await chain.confirm(s, { commitment: 'confirmed', timeoutMs: 20_000 });
    return new SandboxPayer(signer, chain, mint as Address);
  }

  get address(): string {
    return this.signer.address;
  }

  readonly signMessage = async (message: Uint8Array): Promise<Uint8Array> => new Uint8Array(await signBytes(this.signer.keyPair.privateKey, message));

  /** Pays one expected payment; `tamper` changes the request to make a wrong one on purpose. */
  async pay(leaseId: string, increment: number, payment: IncrementPayment, tamper: Partial<PaymentRequest> = {}): Promise<string> {
    const request: PaymentRequest = {
      recipient: payment.payee as Address,
      mint: this.mint,
      token: USDC,
      amount: BigInt(payment.amount),
      reference: payment.reference as Address,
      leaseId,
      increment,
      memo: payment.memo,
      ...tamper,
    };
    return this.send(await buildPaymentInstructions(this.signer, request));
  }

  /** Signs `instructions` as this payer, sends them and waits for confirmed: for transactions an attacker would build by hand. */
  async send(instructions: Instruction[]): Promise<string> {
    const tx = await signInstructions(this.signer, await this.chain.latestBlockhash(), instructions);
    const signature = getSignatureFromTransaction(tx);
    await this.chain.send(tx);
    await this.chain.confirm(signature, { commitment: 'confirmed', timeoutMs: 20_000 });
    return signature;
  }
}
