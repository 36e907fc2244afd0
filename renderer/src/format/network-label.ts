import { NETWORK_KINDS, networkLabel as labelOf } from '../../../common/wallet/network';
import type { NetworkKind } from '../../../common/wallet/network';

/** "Sandbox", "Private grid", …: the network a money row belongs to; unknown names as stored. */
export function networkLabel(network: string): string {
  return (NETWORK_KINDS as readonly string[]).includes(network) ? labelOf(network as NetworkKind) : network;
}
