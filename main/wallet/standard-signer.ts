import { meshAnnouncementSchema, meshAnnouncementText, parseMeshAnnouncementText } from '../../common/mesh';
import {
  getAddressDecoder,
  getBase58Decoder,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  getTransactionDecoder,
  partiallySignTransaction,
  signBytes,
} from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { ApiError } from '../../common/api/errors';
import type { SessionAudience } from '../../common/hub/sign-in-message';
import { gpuReleaseMessage } from '../../common/hub/gpu-release';
import { ACCESS_REQUEST_HEADING } from '../../common/access/access-request';
import type { KeyVault } from './key-vault';
import type { NetworkService } from './network-service';
import { signingDraft } from './signing-approvals';
import type { SigningApprovals } from './signing-approvals';
import { TOKEN_2022_PROGRAM, describeTransfers, looksLikeTransactionMessage, messageText, summarizeTransaction } from './transaction-summary';
import type { WalletAccounts } from './wallet-accounts';
import type { WalletActivity } from './wallet-activity';

export interface StandardSignerDeps {
  vault: KeyVault;
  network: NetworkService;
  approvals: SigningApprovals;
  activity: WalletActivity;
  accounts: WalletAccounts;
}

const transactionDecoder = getTransactionDecoder();
const addressDecoder = getAddressDecoder();

/**
 * Signatures asked for from outside the app's own transfers: connected pages through the
 * Wallet Standard (`solana:signTransaction`, `solana:signMessage`), each shown to the user
 * as what it moves before it is signed, and the hub's sign-in challenge, signed without
 * asking only because nothing but that exact text can pass.
 */
export class StandardSigner {
  constructor(private readonly d: StandardSignerDeps) {}

  /** Wallet Standard `solana:signTransaction`: the user sees what it moves, then it is signed. */
  async signTransaction(address: string, transactionBase64: string): Promise<string> {
    this.d.accounts.requireWallet(address);
    this.d.accounts.requireUnlocked();
    let transaction;
    try {
      transaction = transactionDecoder.decode(Buffer.from(transactionBase64, 'base64'));
    } catch {
      throw new ApiError('invalid_params', 'This is not a Solana transaction Idlegrid can read, so it was not signed.', 'transaction_unreadable');
    }
    const info = this.d.network.info();
    const client = this.d.network.client();
    const summary = await summarizeTransaction(new Uint8Array(transaction.messageBytes), address, { symbol: info.token, mint: info.mint }, {
      tokenAccount: async (account) => {
        const found = await client.accountOwner(account);
        if (!found || (found.owner !== TOKEN_PROGRAM_ADDRESS && found.owner !== TOKEN_2022_PROGRAM) || found.data.length < 165) return null;
        return { mint: addressDecoder.decode(found.data.subarray(0, 32)), owner: addressDecoder.decode(found.data.subarray(32, 64)) };
      },
      mintDecimals: async (mint) => (await client.mintInfo(mint)).decimals,
    });
    await this.confirm({
      kind: 'transaction',
      origin: 'wallet-standard',
      purpose: describeTransfers(summary.transfers),
      transfers: summary.transfers,
      feeLamports: summary.feePayer === address ? summary.feeLamports : null,
      programs: summary.programs,
      memo: summary.memo,
      warnings: summary.warnings,
    }, address);
    const signer = await this.d.vault.signer(address);
    const signed = await partiallySignTransaction([signer.keyPair], transaction);
    if (summary.feePayer === address) {
      this.d.activity.record(getSignatureFromTransaction(signed), info.kind, address, 'signed', 'Signed for a connected page');
    }
    return getBase64EncodedWireTransaction(signed);
  }

  /** Wallet Standard `solana:signMessage`: refuses bytes that would double as a transaction. */
  async signMessage(address: string, messageBase64: string): Promise<string> {
    this.d.accounts.requireWallet(address);
    this.d.accounts.requireUnlocked();
    const bytes = new Uint8Array(Buffer.from(messageBase64, 'base64'));
    if (looksLikeTransactionMessage(bytes)) {
      throw new ApiError('invalid_params', 'This "message" is a Solana transaction in disguise; signing it could move your funds, so it was refused.', 'message_is_transaction');
    }
    await this.confirm({
      kind: 'message',
      origin: 'wallet-standard',
      purpose: 'Sign a message (no money moves)',
      transfers: [],
      feeLamports: null,
      programs: [],
      memo: null,
      message: messageText(bytes),
      warnings: [],
    }, address);
    const signer = await this.d.vault.signer(address);
    const signature = await signBytes(signer.keyPair.privateKey, bytes);
    return Buffer.from(signature).toString('base64');
  }

  /**
   * Signs the hub's sign-in challenge with a vault wallet, without a confirmation: it is
   * this app's own session with the hub the user chose, and no money moves. Only text in
   * the sign-in layout naming that address, the origin of the hub the app is talking to
   * and the audience asked for is signed, so a hub cannot relay another hub's challenge
   * (that would sign the user in there) and nothing else can pass here.
   */
  async signHubSignIn(message: Uint8Array, expected: { address?: string; origin: string; audience: SessionAudience }): Promise<{ address: string; signature: Uint8Array }> {
    const address = expected.address ?? this.d.accounts.requireActive();
    this.d.accounts.requireWallet(address);
    this.d.accounts.requireUnlocked();
    const lines = new TextDecoder().decode(message).split('\n');
    if (lines[0] !== `${expected.origin} wants you to sign in to the Idlegrid hub with your Solana account:` || lines[1] !== address) {
      throw new ApiError('invalid_params', `Only an Idlegrid sign-in to ${expected.origin} for this wallet is signed without asking.`, 'sign_in_message_refused');
    }
    if (!lines.includes(`Domain: ${expected.origin}`) || !lines.includes(`Audience: ${expected.audience}`)) {
      throw new ApiError('invalid_params', `This sign-in names another hub or purpose than ${expected.origin} (${expected.audience}); it was not signed.`, 'sign_in_message_refused');
    }
    const signer = await this.d.vault.signer(address);
    return { address, signature: new Uint8Array(await signBytes(signer.keyPair.privateKey, message)) };
  }

  /**
   * Signs this machine's WireGuard key for one lease (issue 11) without asking: only the
   * exact text `meshAnnouncementText` makes, which names itself and cannot pass for a
   * sign-in or a transaction.
   */
  async signMeshKey(address: string, message: Uint8Array): Promise<Uint8Array> {
    this.d.accounts.requireWallet(address);
    this.d.accounts.requireUnlocked();
    const text = new TextDecoder().decode(message);
    const parsed = meshAnnouncementSchema.safeParse(parseMeshAnnouncementText(text));
    if (!parsed.success || meshAnnouncementText(parsed.data) !== text || parsed.data.supplier !== address) {
      throw new ApiError('invalid_params', 'Only a mesh key of this wallet for a lease is signed without asking.', 'mesh_key_message_refused');
    }
    const signer = await this.d.vault.signer(address);
    return new Uint8Array(await signBytes(signer.keyPair.privateKey, message));
  }

  /**
   * Signs a node-access request (a stream into a container of the renter's own lease)
   * without a confirmation: no money moves and only text in the access layout naming this
   * wallet as the renter is signed, so nothing else can pass here.
   */
  async signAccessRequest(address: string, message: Uint8Array): Promise<Uint8Array> {
    this.d.accounts.requireWallet(address);
    this.d.accounts.requireUnlocked();
    const lines = new TextDecoder().decode(message).split('\n');
    if (lines[0] !== ACCESS_REQUEST_HEADING || lines[3] !== `Renter: ${address}` || lines.length !== 7) {
      throw new ApiError('invalid_params', 'Only an Idlegrid node-access request for this wallet is signed without asking.', 'access_message_refused');
    }
    const signer = await this.d.vault.signer(address);
    return new Uint8Array(await signBytes(signer.keyPair.privateKey, message));
  }

  /**
   * Signs a release of each of this machine's GPUs to `newOwner` (issue 14.3): the hub
   * binds a GPU to the first owner that registered it, and only this signature lets another
   * owner register it. One confirmation for all of them, showing the GPUs and the new owner;
   * only the release text (`gpuReleaseMessage`) is signed. Signatures in base58, as the
   * hub's hello takes them.
   */
  async signGpuReleases(address: string, gpuUuids: readonly string[], newOwner: string): Promise<Array<{ uuid: string; signature: string }>> {
    this.d.accounts.requireWallet(address);
    this.d.accounts.requireUnlocked();
    if (gpuUuids.length === 0) throw new ApiError('invalid_params', 'This machine has no GPU to release.', 'no_gpus');
    if (newOwner === address) throw new ApiError('invalid_params', 'That is this wallet: a release is for another owner.', 'release_to_self');
    const messages = gpuUuids.map((uuid) => gpuReleaseMessage(uuid, newOwner));
    await this.confirm(
      {
        kind: 'message',
        origin: 'app',
        purpose: `Release ${gpuUuids.length} GPU${gpuUuids.length === 1 ? '' : 's'} of this machine to ${newOwner} (no money moves)`,
        transfers: [],
        feeLamports: null,
        programs: [],
        memo: null,
        message: messages.join('\n\n'),
        warnings: ['Whoever holds these signatures as that owner can register these GPUs at the hub in your place: this machine then cannot offer them.'],
      },
      address,
    );
    const signer = await this.d.vault.signer(address);
    const releases: Array<{ uuid: string; signature: string }> = [];
    for (const [i, uuid] of gpuUuids.entries()) {
      const signature = await signBytes(signer.keyPair.privateKey, new TextEncoder().encode(messages[i]!));
      releases.push({ uuid, signature: getBase58Decoder().decode(new Uint8Array(signature)) });
    }
    return releases;
  }

  private async confirm(draft: Parameters<typeof signingDraft>[0], walletAddress: string): Promise<void> {
    await this.d.approvals.request(signingDraft(draft, walletAddress, this.d.network.info().kind));
  }
}
