import type { walletCalls } from '../../common/api/wallet';
import type { DomainHandlers } from '../transport/api-handlers';
import type { NetworkService } from './network-service';
import type { OwnerConsent } from './owner-consent';
import type { SigningApprovals } from './signing-approvals';
import type { WalletService } from './wallet-service';

export interface WalletHandlerDeps {
  wallet: WalletService;
  network: NetworkService;
  approvals: SigningApprovals;
  consent: OwnerConsent;
}

/** The `wallet:*` and `network:*` calls, each mapped to the wallet service, the network service or the approvals. */
export function walletHandlers({ wallet, network, approvals, consent }: WalletHandlerDeps): DomainHandlers<typeof walletCalls> {
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
    'wallet:confirm': async ({ id, approved, passphrase }) => ({ outcome: await approvals.decide(id, approved, passphrase) }),
    'wallet:pending-confirmations': () => approvals.pending(),
    'network:get': () => network.info(),
    'network:set': async (choice) => {
      const current = network.info();
      const target = choice.kind === 'grid' ? `the private grid at ${choice.hubUrl ?? '?'}` : choice.kind === 'custom' ? `custom RPC ${choice.rpcUrl ?? '?'}` : choice.kind;
      if (choice.kind !== current.kind || choice.kind === 'grid' || choice.kind === 'custom') {
        await consent('network', `Switch the wallet from ${current.label} to ${target}`, ['Payments, balances and the hub follow the network: check this is the network you meant.']);
      }
      return network.select(choice);
    },
  };
}
