import type { walletCalls } from '../../common/api/wallet';
import type { DomainHandlers } from '../transport/api-handlers';
import type { NetworkService } from './network-service';
import type { SigningApprovals } from './signing-approvals';
import type { WalletService } from './wallet-service';

export interface WalletHandlerDeps {
  wallet: WalletService;
  network: NetworkService;
  approvals: SigningApprovals;
}

/** The `wallet:*` and `network:*` calls, each mapped to the wallet service, the network service or the approvals. */
export function walletHandlers({ wallet, network, approvals }: WalletHandlerDeps): DomainHandlers<typeof walletCalls> {
  return {
    'wallet:list': () => wallet.state(),
    'wallet:create': ({ label }) => wallet.create(label),
    'wallet:import': ({ secret, label }) => wallet.import(secret, label),
    'wallet:export': ({ address, format, passphrase }) => wallet.export(address, format, passphrase),
    'wallet:select': ({ address }) => wallet.select(address),
    'wallet:rename': ({ address, label }) => wallet.rename(address, label),
    'wallet:unlock': ({ passphrase }) => wallet.unlock(passphrase),
    'wallet:lock': () => wallet.lock(),
    'wallet:balances': ({ address }) => wallet.balances(address),
    'wallet:send': ({ to, token, amount, memo }) => wallet.send({ to, token, amount: BigInt(amount), memo }),
    'wallet:faucet': ({ sol, usdc }) => wallet.faucet({ sol, usdc }),
    'wallet:transactions': ({ limit }) => wallet.transactions(limit),
    'wallet:sign-transaction': async ({ address, transaction }) => ({ signedTransaction: await wallet.signTransaction(address, transaction) }),
    'wallet:sign-message': async ({ address, message }) => ({ signature: await wallet.signMessage(address, message) }),
    'wallet:confirm': ({ id, approved }) => ({ outcome: approvals.decide(id, approved) }),
    'wallet:pending-confirmations': () => approvals.pending(),
    'network:get': () => network.info(),
    'network:set': (choice) => network.select(choice),
  };
}
