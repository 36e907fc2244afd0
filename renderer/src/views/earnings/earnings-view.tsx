import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';

export function EarningsView() {
  return (
    <div className="view" data-testid="view-earnings">
      <PageHeader title="Earnings" subtitle="What lending this machine has earned, net of electricity." />
      <EmptyState
        icon="earnings"
        title="No earnings yet"
        tag="Coming in a later version"
        description="Every payment you receive will appear here with its transaction signature, GPU-seconds and energy, net of electricity, with day/week/month charts and CSV export. Each row is reconciled against the chain."
      />
    </div>
  );
}
