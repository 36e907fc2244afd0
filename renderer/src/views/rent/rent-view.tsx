import './rent-view.css';
import { useStores, useStoreState } from '../../app/store-hooks';
import { PageHeader } from '../../components/page-header';
import { TabBar } from '../../components/tab-bar';
import type { TabOption } from '../../components/tab-bar';
import type { RentTab } from '../../stores/rent-store';
import { LeasesTab } from './leases-tab';
import { MarketTab } from './market-tab';
import { SpendingTab } from './spending-tab';
import { RentingWallet } from './renting-wallet';
import { usePaymentToken } from '../../wallet/use-payment-token';

/** Rent: the market, the leases this wallet holds, and what they cost. */
export function RentView() {
  const { rent } = useStores();
  const token = usePaymentToken();
  const tab = useStoreState('rent', (s) => s.tab);
  const leases = useStoreState('rent', (s) => s.leases);
  const active = Object.values(leases).filter((l) => l.lease.state !== 'ended').length;
  const tabs: TabOption<RentTab>[] = [
    { value: 'market', label: 'Market' },
    { value: 'leases', label: 'My leases', badge: active || null },
    { value: 'spending', label: 'Spending' },
  ];
  return (
    <div className="view rent-view" data-testid="view-rent" data-tab={tab}>
      <PageHeader title="Rent" subtitle={`Build a GPU cluster from the market, run a container on it, and pay as you go in ${token.symbol}.`} />
      <RentingWallet />
      <TabBar label="Rent" options={tabs} value={tab} onChange={(t) => rent.getState().setTab(t)} testIdPrefix="rent-tab" />
      {/* The market stays mounted (hidden) so the filters and the job form survive a look at a lease. */}
      <div role="tabpanel" hidden={tab !== 'market'} aria-label="Market">
        <MarketTab />
      </div>
      {tab === 'leases' ? (
        <div role="tabpanel" aria-label="My leases">
          <LeasesTab />
        </div>
      ) : null}
      {tab === 'spending' ? (
        <div role="tabpanel" aria-label="Spending">
          <SpendingTab />
        </div>
      ) : null}
    </div>
  );
}
