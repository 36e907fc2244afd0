import { useMemo } from 'react';
import type { TokenUnit } from '../../../common/money/token';
import { PAYMENT_TOKEN, TOKENS } from '../../../common/money/token-registry';
import { useStoreState } from '../app/store-hooks';

/**
 * The token the current network pays in (its symbol and the mint's decimals), for showing
 * and reading amounts; the registry's payment token until main has said which network.
 */
export function usePaymentToken(): TokenUnit {
  const symbol = useStoreState('wallet', (s) => s.network?.token ?? PAYMENT_TOKEN.symbol);
  const decimals = useStoreState('wallet', (s) => s.network?.decimals ?? PAYMENT_TOKEN.decimals);
  return useMemo(() => ({ symbol, decimals }), [symbol, decimals]);
}

/**
 * The unit of amounts labelled with `symbol` (a lease's, a receipt's): the network's
 * decimals when it is the network's token (a custom mint's are read from the chain), the
 * registry's otherwise.
 */
export function tokenUnitOf(symbol: string, network: TokenUnit): TokenUnit {
  if (symbol === network.symbol) return network;
  const known = TOKENS.find(symbol);
  return known ? { symbol: known.symbol, decimals: known.decimals } : network;
}

export function useTokenUnit(symbol: string): TokenUnit {
  const network = usePaymentToken();
  return useMemo(() => tokenUnitOf(symbol, network), [symbol, network]);
}
