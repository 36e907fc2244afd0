import type { ComponentType } from 'react';
import { EarningsView } from '../views/earnings/earnings-view';
import { ExplorerView } from '../views/explorer/explorer-view';
import { HomeView } from '../views/home/home-view';
import { LendView } from '../views/lend/lend-view';
import { RentView } from '../views/rent/rent-view';
import { SettingsView } from '../views/settings/settings-view';
import { ThermalsView } from '../views/thermals/thermals-view';
import { WalletView } from '../views/wallet/wallet-view';
import type { SectionId } from './sections';

/** Each section's view lives in its own folder, so one can be replaced without touching the shell. */
const VIEWS: Record<SectionId, ComponentType> = {
  home: HomeView,
  lend: LendView,
  thermals: ThermalsView,
  earnings: EarningsView,
  rent: RentView,
  wallet: WalletView,
  explorer: ExplorerView,
  settings: SettingsView,
};

export function SectionView({ section }: { section: SectionId }) {
  const View = VIEWS[section];
  return <View />;
}
