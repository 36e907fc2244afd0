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

/**
 * The sandbox faucet hands out test SOL and test USDC with ordinary signed transactions
 * from the faucet's own key (which is also the sandbox USDC mint's authority), so every
 * faucet payment has a signature, shows in history and survives a restart like any other.
 */
export const SANDBOX_USDC_DECIMALS = 6;
/** Limits per request: generous for testing, small enough that a typo does not mint a fortune. */
export const FAUCET_MAX_LAMPORTS = 1_000n * 1_000_000_000n;
export const FAUCET_MAX_USDC = 1_000_000n * 1_000_000n;
/** What the Wallet view's faucet button asks for. */
export const FAUCET_DEFAULT_LAMPORTS = 2n * 1_000_000_000n;
export const FAUCET_DEFAULT_USDC = 1_000n * 1_000_000n;

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

export function createMintTransaction(faucet: KeyPairSigner, mint: KeyPairSigner, rentLamports: bigint, lifetime: Lifetime) {
  return signedWire(faucet, lifetime, [
    getCreateAccountInstruction({
      payer: faucet,
      newAccount: mint,
      lamports: lamports(rentLamports),
      space: getMintSize(),
      programAddress: TOKEN_PROGRAM_ADDRESS,
    }),
    getInitializeMint2Instruction({ mint: mint.address, decimals: SANDBOX_USDC_DECIMALS, mintAuthority: faucet.address }),
  ]);
}

export function solFaucetTransaction(faucet: KeyPairSigner, recipient: Address, amount: bigint, lifetime: Lifetime) {
  return signedWire(faucet, lifetime, [
    getTransferSolInstruction({ source: faucet, destination: recipient, amount: lamports(amount) }),
  ]);
}

export async function usdcFaucetTransaction(faucet: KeyPairSigner, mint: Address, recipient: Address, amount: bigint, lifetime: Lifetime) {
  const [ata] = await findAssociatedTokenPda({ owner: recipient, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  return signedWire(faucet, lifetime, [
    getCreateAssociatedTokenIdempotentInstruction({ payer: faucet, ata, owner: recipient, mint }),
    getMintToCheckedInstruction({ mint, token: ata, mintAuthority: faucet, amount, decimals: SANDBOX_USDC_DECIMALS }),
  ]);
}
