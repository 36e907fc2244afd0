import { LiteSVM } from 'litesvm';
import { address, createKeyPairFromPrivateKeyBytes, lamports } from '@solana/kit';
import type { Address, MaybeEncodedAccount } from '@solana/kit';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3 } from '@solana-program/memo';
import type { StoredAccount } from './chain-store';
import { MEMO_V1_PROGRAM_ADDRESS } from './transaction-record';

// The LiteSVM instance behind the sandbox chain and the small account helpers around it.

const BPF_LOADER_V1 = address('BPFLoader1111111111111111111111111111111111');

/**
 * LiteSVM with the standard programs, without its own blockhash and duplicate checks
 * (SandboxChain does both, with a real 150-slot window and a permanent signature index).
 * LiteSVM ships no build of the Memo v2 program that wallets and Solana Pay use
 * (MemoSq4…), so its bundled Memo v1 program runs at that address: it checks that the
 * memo is UTF-8 like v2 does, but not signer accounts, and does not log the text.
 */
export function createRuntime(): LiteSVM {
  const svm = new LiteSVM().withBlockhashCheck(false).withTransactionHistory(0n);
  const memoV1 = svm.getAccount(address(MEMO_V1_PROGRAM_ADDRESS));
  if (!memoV1.exists) throw new Error('LiteSVM did not load the SPL Memo program; the sandbox chain cannot record payment memos.');
  svm.addProgramWithLoader(LEGACY_MEMO_PROGRAM_ADDRESS_V3, memoV1.data, BPF_LOADER_V1);
  return svm;
}

export function setAccount(svm: LiteSVM, account: StoredAccount): void {
  svm.setAccount({
    address: account.address as Address,
    lamports: lamports(account.lamports),
    programAddress: account.owner as Address,
    executable: account.executable,
    data: account.data,
    space: BigInt(account.data.length),
  });
}

export function lamportsOf(account: MaybeEncodedAccount | undefined): bigint {
  return account?.exists ? account.lamports : 0n;
}

export function accountChanged(a: MaybeEncodedAccount & { exists: true }, b: MaybeEncodedAccount & { exists: true }): boolean {
  return a.lamports !== b.lamports || a.programAddress !== b.programAddress || a.executable !== b.executable || !Buffer.from(a.data).equals(Buffer.from(b.data));
}

/** Ed25519 keypair bytes (seed ‖ public key), the Solana CLI layout, from a 32-byte seed. */
export async function keypairBytesFromSeed(seed: Uint8Array): Promise<Uint8Array> {
  const pair = await createKeyPairFromPrivateKeyBytes(seed, true);
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return new Uint8Array([...seed, ...pub]);
}
