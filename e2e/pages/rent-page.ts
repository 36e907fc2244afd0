import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';
import { E2E_PASSPHRASE } from '../support/e2e-passphrase';

export interface OfferFilterInput {
  gpuModel?: string;
  minVramGb?: number;
  minGpus?: number;
  /** USDC per GPU-hour, as typed: "0.5". */
  maxPrice?: string;
  /** Percent. */
  minReliability?: number;
  kind?: 'either' | 'on-demand' | 'interruptible';
  region?: string;
  sort?: 'price' | 'reliability' | 'performance';
}

export interface ClusterJobInput {
  gpuCount: number;
  sameModel?: boolean;
  maxNodes?: number;
  /** Pick this model from the results (an offer row's "Use model"). */
  model?: string;
  /** Only machines matching the search filters (on by default). */
  useFilters?: boolean;
  image: string;
  /** One line, split like a shell. */
  command?: string;
  env?: Record<string, string>;
  ports?: number[];
  /** Either a duration… */
  hours?: number;
  minutes?: number;
  /** …or a budget in USDC ("2.5"). */
  budget?: string;
}

/** Rent: market search, cluster and job form, quote and pay, leases, spending. */
export class RentPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('rent');
    return this;
  }

  view(): Locator {
    return this.page.getByTestId('view-rent');
  }

  // Tabs

  async openMarket(): Promise<void> {
    await this.page.getByTestId('rent-tab-market').click();
  }

  async openLeases(): Promise<void> {
    await this.page.getByTestId('rent-tab-leases').click();
    await this.page.getByTestId('rent-leases').or(this.leaseView()).first().waitFor();
  }

  async openSpending(): Promise<void> {
    await this.page.getByTestId('rent-tab-spending').click();
    await this.page.getByTestId('rent-spending').waitFor();
  }

  // Market

  /** Fills the filters given (others left as they are) and searches. */
  async search(filters: OfferFilterInput = {}): Promise<void> {
    const p = this.page;
    if (filters.gpuModel !== undefined) await p.getByTestId('rent-filter-model').fill(filters.gpuModel);
    if (filters.minVramGb !== undefined) await p.getByTestId('rent-filter-vram').fill(String(filters.minVramGb));
    if (filters.minGpus !== undefined) await p.getByTestId('rent-filter-gpus').fill(String(filters.minGpus));
    if (filters.maxPrice !== undefined) await p.getByTestId('rent-filter-price').fill(filters.maxPrice);
    if (filters.minReliability !== undefined) await p.getByTestId('rent-filter-reliability').fill(String(filters.minReliability));
    if (filters.region !== undefined) await p.getByTestId('rent-filter-region').fill(filters.region);
    if (filters.kind !== undefined) await p.getByTestId(`rent-filter-kind-${filters.kind}`).click();
    if (filters.sort !== undefined) await p.getByTestId('rent-sort').selectOption(filters.sort);
    await p.getByTestId('rent-search').click();
    await p.getByTestId('rent-search').and(p.locator(':enabled')).waitFor();
  }

  async clearFilters(): Promise<void> {
    await this.page.getByTestId('rent-filter-reset').click();
  }

  /** Result rows: data-offer-id, data-gpu-model, data-free-gpus. */
  offers(): Locator {
    return this.page.getByTestId('offer-row');
  }

  offer(offerId: string): Locator {
    return this.page.locator(`[data-testid="offer-row"][data-offer-id="${offerId}"]`);
  }

  offersOfModel(model: string): Locator {
    return this.page.locator(`[data-testid="offer-row"][data-gpu-model="${model}"]`);
  }

  /** The models of the rows shown, in order. */
  async offerModels(): Promise<string[]> {
    return this.offers().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-gpu-model') ?? ''));
  }

  offersEmpty(): Locator {
    return this.page.getByTestId('rent-offers-empty');
  }

  /** Shown when main answers `unavailable` (no hub, or no renter service). */
  unavailable(): Locator {
    return this.view().getByTestId('rent-unavailable');
  }

  async nextPage(): Promise<void> {
    await this.page.getByTestId('rent-page-next').click();
  }

  async previousPage(): Promise<void> {
    await this.page.getByTestId('rent-page-previous').click();
  }

  async chooseModel(model: string): Promise<void> {
    await this.offersOfModel(model).first().getByTestId('offer-choose-model').click();
  }

  // Cluster and job

  async fillClusterJob(input: ClusterJobInput): Promise<void> {
    const p = this.page;
    if (input.model) await this.chooseModel(input.model);
    await p.getByTestId('cluster-gpu-count').fill(String(input.gpuCount));
    if (input.maxNodes !== undefined) await p.getByTestId('cluster-max-nodes').fill(String(input.maxNodes));
    if (input.sameModel !== undefined && !input.model) await p.getByTestId('cluster-same-model').setChecked(input.sameModel);
    if (input.useFilters !== undefined) await p.getByTestId('cluster-use-filters').setChecked(input.useFilters);
    await p.getByTestId('job-image').fill(input.image);
    if (input.command !== undefined) await p.getByTestId('job-command').fill(input.command);
    if (input.env) await p.getByTestId('job-env').fill(Object.entries(input.env).map(([k, v]) => `${k}=${v}`).join('\n'));
    if (input.ports) await p.getByTestId('job-ports').fill(input.ports.join(', '));
    if (input.budget !== undefined) {
      await p.getByTestId('job-limit-by-budget').click();
      await p.getByTestId('job-budget').fill(input.budget);
    } else {
      await p.getByTestId('job-limit-by-duration').click();
      await p.getByTestId('job-duration-hours').fill(String(input.hours ?? 0));
      await p.getByTestId('job-duration-minutes').fill(String(input.minutes ?? 0));
    }
  }

  /** Asks for a quote and waits for it (or for the reason there is none: `quoteError()`). */
  async getQuote(timeout = 30_000): Promise<Locator> {
    await this.page.getByTestId('rent-get-quote').click();
    await this.quote().or(this.quoteError()).or(this.formError()).first().waitFor({ timeout });
    return this.quote();
  }

  /** The error under a field, e.g. fieldError('job-env'). */
  fieldError(testId: string): Locator {
    return this.page.getByTestId(`${testId}-error`);
  }

  formError(): Locator {
    return this.page.getByTestId('rent-form-error');
  }

  quoteError(): Locator {
    return this.page.getByTestId('rent-quote-error');
  }

  // Quote

  /** data-lease-id, data-expired. */
  quote(): Locator {
    return this.page.getByTestId('rent-quote');
  }

  /** Rows per node: data-rank, data-supplier, data-gpus, data-gpu-model. */
  quoteNodes(): Locator {
    return this.quote().getByTestId('quote-node');
  }

  quoteTotal(): Locator {
    return this.page.getByTestId('quote-total');
  }

  quotePerIncrement(): Locator {
    return this.page.getByTestId('quote-per-increment');
  }

  async quoteLeaseId(): Promise<string> {
    return (await this.quote().getAttribute('data-lease-id')) ?? '';
  }

  /** Auto-pay of later increments (off by default): on with this budget (USDC), or off with null. */
  async setQuoteAutoPay(budget: string | null): Promise<void> {
    await this.page.getByTestId('rent-autopay-toggle').setChecked(budget !== null);
    if (budget !== null) await this.page.getByTestId('rent-autopay-budget').fill(budget);
  }

  /**
   * Pays the quote, approving each supplier's payment in the wallet's confirmation
   * dialog (one per payee; none when auto-pay covers them), and waits for the lease view.
   */
  async pay(options: { confirmations?: number; timeout?: number } = {}): Promise<Locator> {
    const timeout = options.timeout ?? 60_000;
    await this.page.getByTestId('rent-pay').click();
    const payees = options.confirmations ?? (await this.quoteNodes().evaluateAll((rows) => new Set(rows.map((r) => r.getAttribute('data-supplier'))).size));
    for (let i = 0; i < payees; i++) await this.approvePayment(timeout);
    await this.leaseView().waitFor({ timeout });
    return this.leaseView();
  }

  /** Approves the wallet confirmation dialog showing now (the one `wallet:confirm-request` opened). */
  async approvePayment(timeout = 30_000): Promise<void> {
    const dialog = this.page.getByTestId('confirm-dialog');
    await dialog.waitFor({ timeout });
    // The next request may open its dialog at once (one per payee): wait for this
    // request's dialog to go, not for "no dialog", which may never happen in between.
    const requestId = await dialog.getByTestId('confirm-purpose').getAttribute('data-request-id');
    await dialog.getByTestId('confirm-passphrase').fill(E2E_PASSPHRASE);
    await dialog.getByTestId('confirm-approve').click();
    await this.page.locator(`[data-testid="confirm-purpose"][data-request-id="${requestId ?? ''}"]`).waitFor({ state: 'detached', timeout });
  }

  async declinePayment(timeout = 30_000): Promise<void> {
    const dialog = this.page.getByTestId('confirm-dialog');
    await dialog.waitFor({ timeout });
    await dialog.getByTestId('confirm-decline').click();
  }

  payError(): Locator {
    return this.page.getByTestId('rent-pay-error');
  }

  // Leases

  /** My leases rows: data-lease-id, data-state. */
  leaseRows(): Locator {
    return this.page.getByTestId('lease-row');
  }

  async openLease(leaseId: string): Promise<Locator> {
    await this.openLeases();
    await this.page.locator(`[data-testid="lease-row"][data-lease-id="${leaseId}"]`).getByTestId('lease-open').click();
    await this.leaseView().waitFor();
    return this.leaseView();
  }

  async backToLeases(): Promise<void> {
    await this.page.getByTestId('lease-back').click();
  }

  /** data-lease-id, data-state (reserved|paid|starting|running|ended), data-end-reason, data-increments. */
  leaseView(): Locator {
    return this.page.getByTestId('lease-view');
  }

  async waitForLeaseState(state: 'reserved' | 'paid' | 'starting' | 'running' | 'ended', timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="lease-view"][data-state="${state}"]`).waitFor({ timeout });
  }

  /** Node cards: data-rank, data-state (assigned|pulling|running|exited|failed|stopped). */
  leaseNodes(): Locator {
    return this.page.getByTestId('lease-node');
  }

  leaseNode(rank: number): Locator {
    return this.page.locator(`[data-testid="lease-node"][data-rank="${rank}"]`);
  }

  async waitForNodesRunning(count: number, timeout = 120_000): Promise<void> {
    await this.page.locator('[data-testid="lease-node"][data-state="running"]').nth(count - 1).waitFor({ timeout });
  }

  /** A node's log box; lines carry data-stream (stdout|stderr). */
  leaseLog(rank: number): Locator {
    return this.page.locator(`[data-testid="lease-log"][data-rank="${rank}"]`);
  }

  // Terminals (issue 12)

  /** Opens a shell on a node of the open lease and waits for its xterm to show. */
  async openTerminal(rank: number, timeout = 30_000): Promise<Locator> {
    const before = await this.page.getByTestId('terminal-tab').count();
    await this.page.locator(`[data-testid="open-terminal"][data-rank="${rank}"]`).click();
    await this.page.getByTestId('terminal-tab').nth(before).waitFor({ timeout });
    const terminal = this.terminal();
    await terminal.locator('.xterm-rows').waitFor({ timeout });
    return terminal;
  }

  /** The terminal shown (data-terminal-id, data-closed). */
  /** Uploads local files through the lease view's file picker into `remoteDir` of the selected node. */
  async pickFilesToUpload(paths: string[], remoteDir: string): Promise<void> {
    await this.page.getByTestId('files-upload-dir').fill(remoteDir);
    await this.page.getByTestId('files-input').setInputFiles(paths);
  }

  /** Drops a file made in the page (name, text) on the lease view's drop zone, as a drag and drop does. */
  async dropFileToUpload(name: string, text: string, remoteDir: string): Promise<void> {
    await this.page.getByTestId('files-upload-dir').fill(remoteDir);
    await this.page.getByTestId('files-drop').evaluate(
      (zone, file) => {
        const data = new DataTransfer();
        data.items.add(new File([file.text], file.name));
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { name, text },
    );
  }

  async downloadFromNode(remotePath: string): Promise<void> {
    await this.page.getByTestId('files-download-path').fill(remotePath);
    await this.page.getByTestId('files-download').click();
  }

  fileTransfer(kind: 'upload' | 'download', remotePath: string): Locator {
    return this.page.locator(`[data-testid="file-transfer"][data-kind="${kind}"][data-remote-path="${remotePath}"]`).first();
  }

  terminal(): Locator {
    return this.page.getByTestId('node-terminal');
  }

  /** The visible text of the shown terminal. */
  async terminalText(): Promise<string> {
    return (await this.terminal().locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
  }

  async typeInTerminal(text: string): Promise<void> {
    await this.terminal().click();
    await this.page.keyboard.type(text);
  }

  terminalTabs(): Locator {
    return this.page.getByTestId('terminal-tab');
  }

  terminalClosed(): Locator {
    return this.page.getByTestId('terminal-closed');
  }

  /** Forwards port `port` of node `rank` and returns the row (data-url, data-local-port). */
  async openForward(port: number, rank = 0, timeout = 30_000): Promise<Locator> {
    await this.page.getByTestId('forward-port').fill(String(port));
    await this.page.getByTestId('forward-node').selectOption(String(rank));
    await this.page.getByTestId('forward-open').click();
    const row = this.page.locator(`[data-testid="forward-row"][data-port="${port}"]`);
    await row.waitFor({ timeout });
    return row;
  }

  forwardRows(): Locator {
    return this.page.getByTestId('forward-row');
  }

  leaseProblem(): Locator {
    return this.page.getByTestId('lease-problem');
  }

  leaseTimeline(): Locator {
    return this.page.getByTestId('lease-timeline');
  }

  /** Timeline entries: data-kind (state|payment). */
  leaseTimelineItems(): Locator {
    return this.leaseTimeline().getByTestId('lease-timeline-item');
  }

  costSoFar(): Locator {
    return this.page.getByTestId('lease-cost-so-far');
  }

  paidSoFar(): Locator {
    return this.page.getByTestId('lease-paid-so-far');
  }

  paidThrough(): Locator {
    return this.page.getByTestId('lease-paid-through');
  }

  /** data-increment: the index of the next unpaid increment. */
  nextDue(): Locator {
    return this.page.getByTestId('lease-next-due');
  }

  /** Pays the next increment now, approving each supplier's payment unless auto-pay covers it. */
  async payNext(confirmations: number): Promise<void> {
    await this.page.getByTestId('lease-pay-next').click();
    for (let i = 0; i < confirmations; i++) await this.approvePayment();
  }

  async setLeaseAutoPay(enabled: boolean, budget?: string): Promise<void> {
    if (budget !== undefined) await this.page.getByTestId('lease-autopay-budget').fill(budget);
    const toggle = this.page.getByTestId('lease-autopay-toggle');
    // The switch follows main's answer, so click and wait rather than setChecked (which expects an instant change).
    let granting = false;
    if ((await toggle.isChecked()) !== enabled) {
      await toggle.click();
      granting = enabled;
    } else if (enabled && budget !== undefined) {
      await this.page.getByTestId('lease-autopay-save').click();
      granting = true;
    }
    // Granting or raising a budget needs the owner's consent, like a send (issue 14.2).
    if (granting) await this.approvePayment();
    await this.page.locator(`[data-testid="lease-autopay-toggle"]${enabled ? ':checked' : ':not(:checked)'}`).waitFor();
  }

  /** "0.50 USDC of 1.50 USDC auto-paid" */
  autoPaySpent(): Locator {
    return this.page.getByTestId('lease-autopay-spent');
  }

  /** "Quotes and payments use <label> <address>": the wallet Rent acts with. */
  rentingWalletLabel(): Locator {
    return this.page.getByTestId('rent-wallet-label');
  }

  /** Sandbox only: "Try renting: use a separate sandbox renter wallet", then waits until it is the one Rent uses. */
  async useSandboxRenterWallet(): Promise<void> {
    await this.page.getByTestId('rent-use-sandbox-renter').click();
    await expect(this.rentingWalletLabel()).toHaveText('Sandbox renter', { timeout: 30_000 });
    await this.page.getByTestId('rent-sandbox-renter-note').waitFor();
  }

  /** Extends by `increments`: the card says what they cost and asks; this confirms. */
  async extend(increments: number): Promise<void> {
    await this.askToExtend(increments);
    await this.page.getByTestId('lease-extend-confirm').click();
    await this.page.getByTestId('lease-extend').and(this.page.locator(':enabled')).waitFor();
  }

  /** Asks to extend by `increments` without confirming; `extendSummary()` says the cost and the new end. */
  async askToExtend(increments: number): Promise<void> {
    await this.page.getByTestId('lease-extend-count').fill(String(increments));
    await this.page.getByTestId('lease-extend').click();
  }

  /** "2 more increments cost 0.50 USDC, paid as each comes due; the lease then ends …. Extend?" */
  extendSummary(): Locator {
    return this.page.getByTestId('lease-extend-summary');
  }

  /** The lease's planned end (a local time, or a duration before it starts). */
  plannedEnd(): Locator {
    return this.page.getByTestId('lease-planned-end');
  }

  /** Terminate, then confirm. */
  async terminate(): Promise<void> {
    await this.askToTerminate();
    await this.page.getByTestId('lease-terminate-confirm').click();
  }

  /** Opens Terminate's confirmation without confirming; `terminateSummary()` says paid, used and unused. */
  async askToTerminate(): Promise<void> {
    await this.page.getByTestId('lease-terminate').click();
  }

  /** "Paid 0.50 USDC, used 0.12 USDC; about 0.38 USDC of paid time is not used: …" */
  terminateSummary(): Locator {
    return this.page.getByTestId('lease-terminate-summary');
  }

  // Spending

  /** Receipt rows: data-signature, data-lease-id, data-auto-approved. */
  receipts(): Locator {
    return this.page.getByTestId('receipt-row');
  }

  receipt(signature: string): Locator {
    return this.page.locator(`[data-testid="receipt-row"][data-signature="${signature}"]`);
  }

  async receiptSignatures(): Promise<string[]> {
    return this.receipts().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-signature') ?? ''));
  }

  spendingTotal(): Locator {
    return this.page.getByTestId('spending-total');
  }

  spendingEmpty(): Locator {
    return this.page.getByTestId('rent-spending-empty');
  }

  errorNotice(): Locator {
    return this.view().getByTestId('error-notice');
  }
}
