import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';

export function LendView() {
  return (
    <div className="view" data-testid="view-lend">
      <PageHeader title="Lend" subtitle="Offer this machine's idle GPUs to renters and get paid in USDC." />
      <EmptyState
        icon="lend"
        title="Lending is not available yet"
        tag="Coming in a later version"
        description="Here you will set your offer — a price per GPU-hour in USDC, minimum and maximum lease, interruptible or on-demand, an availability schedule, a maximum temperature and your electricity price — after a setup doctor has checked Docker, the GPU container runtime, free disk and the clock, with a plain-words fix for anything missing. Running jobs will show their image pull, logs and guards: paused when a GPU runs too hot, outside your schedule, or when you start a game."
      />
    </div>
  );
}
