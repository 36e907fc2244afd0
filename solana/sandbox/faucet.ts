import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  getTransactionEncoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import type { Address, Blockhash, Instruction, KeyPairSigner } from '@solana/kit';
import { getCreateAccountInstruction, getTransferSolInstruction } from '@solana-program/system';
import {
  TOKEN_PROGRAM_ADDRESS,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeMint2Instruction,
  getMintSize,
  getMintToCheckedInstruction,
} from '@solana-program/token';
import type { TokenUnit } from '../../common/money/token';
import { PAYMENT_TOKEN } from '../../common/money/token-registry';
import { oneToken } from '../../common/money/token-amount';

/**
 * The sandbox faucet hands out test SOL and the test payment token (USDC) with ordinary
 * signed transactions from the faucet's own key (which is also the authority of every
 * mint the sandbox makes), so every faucet payment has a signature, shows in history and
 * survives a restart like any other.
 */
/** Limits per request: generous for testing, small enough that a typo does not mint a fortune. */
export const FAUCET_MAX_LAMPORTS = 1_000n * 1_000_000_000n;
export const FAUCET_MAX_USDC = 1_000_000n * oneToken(PAYMENT_TOKEN);
/** What the Wallet view's faucet button asks for. */
export const FAUCET_DEFAULT_LAMPORTS = 2n * 1_000_000_000n;
export const FAUCET_DEFAULT_USDC = 1_000n * oneToken(PAYMENT_TOKEN);

export interface Lifetime {
  blockhash: string;
  lastValidBlockHeight: bigint;
}

async function signedWire(feePayer: KeyPairSigner, lifetime: Lifetime, instructions: Instruction[]): Promise<Uint8Array> {
  const tx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: lifetime.blockhash as Blockhash, lastValidBlockHeight: lifetime.lastValidBlockHeight }, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => signTransactionMessageWithSigners(m),
  );
  return new Uint8Array(getTransactionEncoder().encode(tx));
}

/** A new mint of `token` (its decimals) with `authority` as the mint authority. */
export function createMintTransaction(authority: KeyPairSigner, mint: KeyPairSigner, token: TokenUnit, rentLamports: bigint, lifetime: Lifetime) {
  const faucet = authority;
  return signedWire(faucet, lifetime, [
    getCreateAccountInstruction({
      payer: faucet,
      newAccount: mint,
      lamports: lamports(rentLamports),
      space: getMintSize(),
      programAddress: TOKEN_PROGRAM_ADDRESS,
    }),
    getInitializeMint2Instruction({ mint: mint.address, decimals: token.decimals, mintAuthority: faucet.address }),
  ]);
}

export function solFaucetTransaction(faucet: KeyPairSigner, recipient: Address, amount: bigint, lifetime: Lifetime) {
  return signedWire(faucet, lifetime, [
    getTransferSolInstruction({ source: faucet, destination: recipient, amount: lamports(amount) }),
  ]);
}

/** `amount` base units of `token` minted into `recipient`'s associated account (made if missing). */
export async function tokenFaucetTransaction(faucet: KeyPairSigner, token: TokenUnit, mint: Address, recipient: Address, amount: bigint, lifetime: Lifetime) {
  const [ata] = await findAssociatedTokenPda({ owner: recipient, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  return signedWire(faucet, lifetime, [
    getCreateAssociatedTokenIdempotentInstruction({ payer: faucet, ata, owner: recipient, mint }),
    getMintToCheckedInstruction({ mint, token: ata, mintAuthority: faucet, amount, decimals: token.decimals }),
  ]);
}
