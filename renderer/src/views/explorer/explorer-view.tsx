import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';

export function ExplorerView() {
  return (
    <div className="view" data-testid="view-explorer">
      <PageHeader title="Explorer" subtitle="The network at a glance." />
      <EmptyState
        icon="explorer"
        title="The explorer is not available yet"
        tag="Coming in a later version"
        description="Here you will see the GPUs online by model, their utilisation, the jobs running, the volume paid and the most recent payments across the network you are connected to, each payment linked to its transaction on chain."
      />
    </div>
  );
}
