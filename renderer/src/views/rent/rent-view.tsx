import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';

export function RentView() {
  return (
    <div className="view" data-testid="view-rent">
      <PageHeader title="Rent" subtitle="Build a GPU cluster from the market and run a container on it." />
      <EmptyState
        icon="rent"
        title="Renting is not available yet"
        tag="Coming in a later version"
        description="Here you will search offers by GPU model, VRAM, GPUs per machine, price, reliability and region; build a cluster from one or many suppliers that is placed all at once or not at all; and run an image on it with RANK, WORLD_SIZE and MASTER_ADDR set for torch.distributed or Ray. Leases will show their timeline, live logs per node and cost so far, paid as you go in USDC within the budget you set."
      />
    </div>
  );
}
