import { normaliseHubUrl } from '../../common/hub/hub-url';
import { ApiError } from '../../common/api/errors';
import type { walletCalls } from '../../common/api/wallet';
import type { DomainHandlers } from '../transport/api-handlers';
import type { SettingsStore } from '../settings/settings-store';
import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import type { NetworkService } from './network-service';
import { validateCustomNetwork } from './network-service';
import type { SigningApprovals } from './signing-approvals';
import type { WalletService } from './wallet-service';

export interface WalletHandlerDeps {
  wallet: WalletService;
  network: NetworkService;
  approvals: SigningApprovals;
  settings: SettingsStore;
  events: EventBus<ApiEventMap>;
}

export function walletHandlers({ wallet, network, approvals, settings, events }: WalletHandlerDeps): DomainHandlers<typeof walletCalls> {
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
    'network:set': async ({ kind, rpcUrl, usdcMint, hubUrl }) => {
      if (kind === 'custom') validateCustomNetwork(rpcUrl ?? '', usdcMint ?? '');
      const gridHub = kind === 'grid' ? normaliseHubUrl(hubUrl ?? '') : null;
      if (kind === 'grid' && !gridHub) throw new ApiError('invalid_params', 'Enter the private grid hub address, e.g. http://192.168.1.10:7070.', 'grid_hub_missing');
      const next = settings.update(
        kind === 'custom'
          ? { network: kind, customRpcUrl: rpcUrl ?? '', customUsdcMint: usdcMint ?? '' }
          : kind === 'grid'
            ? { network: kind, hubUrl: gridHub ?? '' }
            : { network: kind },
      );
      // Applied before the settings event goes out, so the event's own apply finds nothing to do.
      const info = await network.apply(next, { retry: true });
      events.emit('settings:changed', next);
      return info;
    },
  };
}
