import { useEffect, useMemo, useRef, useState } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { ClusterJobForm } from './cluster-job-form';
import { EMPTY_JOB_DRAFT, requestFromDraft } from './job-draft';
import type { JobDraft, JobErrors } from './job-draft';
import { OfferFiltersForm } from './offer-filters-form';
import { constraintsFromQuery, describeConstraints, EMPTY_FILTERS, queryFromFilters } from './offer-query';
import type { OfferFilterErrors, OfferFilters } from './offer-query';
import { OffersTable } from './offers-table';
import { QuoteCard } from './quote-card';
import { RentUnavailable } from './rent-unavailable';
import { usePaymentToken } from '../../wallet/use-payment-token';

const SEARCH_REFRESH_MS = 10_000;

/** Search the market, build a cluster from it, describe the job, get a quote and pay it. */
export function MarketTab() {
  const { rent } = useStores();
  const actions = rent.getState();
  const page = useStoreState('rent', (s) => s.page);
  const query = useStoreState('rent', (s) => s.query);
  const offset = useStoreState('rent', (s) => s.offset);
  const pageOffsets = useStoreState('rent', (s) => s.pageOffsets);
  const searching = useStoreState('rent', (s) => s.searching);
  const searchError = useStoreState('rent', (s) => s.searchError);
  const quote = useStoreState('rent', (s) => s.quote);
  const busy = useStoreState('rent', (s) => s.busy);
  const actionError = useStoreState('rent', (s) => s.actionError);

  const [filters, setFilters] = useState<OfferFilters>(EMPTY_FILTERS);
  const [filterErrors, setFilterErrors] = useState<OfferFilterErrors>({});
  const [draft, setDraft] = useState<JobDraft>(EMPTY_JOB_DRAFT);
  const [jobErrors, setJobErrors] = useState<JobErrors>({});
  const [chosenModel, setChosenModel] = useState<string | null>(null);
  const [useFilters, setUseFilters] = useState(true);
  const quoteRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!rent.getState().page && !rent.getState().searchError) void rent.getState().search();
  }, [rent]);

  // Offers come and go and free GPUs change: refresh the page shown while the Market tab is.
  const tab = useStoreState('rent', (s) => s.tab);
  useEffect(() => {
    if (tab !== 'market') return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void rent.getState().refreshSearch();
    }, SEARCH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [rent, tab]);

  // A new quote is what the renter waits for: bring it into view.
  useEffect(() => {
    if (quote) quoteRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [quote]);

  const constraints = useMemo(() => (useFilters ? constraintsFromQuery(query) : {}), [useFilters, query]);
  const token = usePaymentToken();
  const filterWords = useMemo(() => describeConstraints(constraintsFromQuery(query), token), [query, token]);

  const search = (next: OfferFilters = filters) => {
    const { query: q, errors } = queryFromFilters(next, token);
    setFilterErrors(errors);
    if (q) void actions.search(q);
  };

  const changeFilters = (next: OfferFilters) => {
    setFilters(next);
    // Sort and kind are choices, not typing: apply them at once.
    if (next.sort !== filters.sort || next.kind !== filters.kind) search(next);
  };

  const askQuote = () => {
    const { request, errors } = requestFromDraft(draft, chosenModel ? { ...constraints, gpuModel: chosenModel } : constraints, token);
    setJobErrors(errors);
    if (request) void actions.requestQuote(request);
  };

  const changeDraft = (next: JobDraft) => {
    setDraft(next);
    if (Object.keys(jobErrors).length) setJobErrors({});
    if (actionError?.action === 'quote') actions.dismissActionError();
  };

  const offers = page?.offers ?? [];
  const pageNumber = pageOffsets.length + 1;

  return (
    <div className="rent-panel" data-testid="rent-market">
      <OfferFiltersForm filters={filters} errors={filterErrors} searching={searching} onChange={changeFilters} onSearch={() => search()} onReset={() => { setFilters(EMPTY_FILTERS); setFilterErrors({}); search(EMPTY_FILTERS); }} />

      <section className="section" aria-labelledby="rent-offers-title">
        <div className="section-head">
          <h2 className="section-title" id="rent-offers-title">
            Offers
          </h2>
          <span className="section-meta" data-testid="rent-offers-meta">
            {page && offers.length > 0 ? `${offset + 1}–${offset + offers.length}${page.nextOffset !== null ? ' of more' : ''} · page ${pageNumber}` : ''}
          </span>
        </div>

        {searchError?.unavailable ? (
          <RentUnavailable message={searchError.message} onRetry={() => search()} />
        ) : searchError ? (
          <ErrorNotice title="Search failed" message={searchError.message} onRetry={() => search()} />
        ) : null}

        {!page && searching ? <LoadingState message="Searching the market…" /> : null}

        {page && offers.length === 0 && !searchError ? (
          <EmptyState
            icon="rent"
            title={filterWords.length ? 'No offers match' : 'No offers yet'}
            testId="rent-offers-empty"
            description={filterWords.length ? 'Nothing on the market meets every filter. Clear some (model, VRAM, price, reliability, region) and search again.' : 'No one offers GPUs on this hub yet. Offers come from other machines — your own GPUs are never rented back to you — so start sharing on the other machines of your grid, or point Idlegrid at another hub in Settings → Market.'}
          >
            {filterWords.length ? (
              <button type="button" className="button" onClick={() => { setFilters(EMPTY_FILTERS); search(EMPTY_FILTERS); }} data-testid="rent-offers-clear">
                Clear filters
              </button>
            ) : null}
          </EmptyState>
        ) : null}

        {offers.length > 0 ? (
          <>
            <OffersTable offers={offers} token={token} chosenModel={chosenModel} onChooseModel={setChosenModel} />
            <div className="rent-pager">
              <button type="button" className="button button-small" disabled={pageOffsets.length === 0 || searching} onClick={() => void actions.previousPage()} data-testid="rent-page-previous">
                Previous
              </button>
              <span className="muted small">Page {pageNumber}</span>
              <button type="button" className="button button-small" disabled={!page || page.nextOffset === null || searching} onClick={() => void actions.nextPage()} data-testid="rent-page-next">
                Next
              </button>
            </div>
          </>
        ) : null}
      </section>

      <section className="section" aria-label="Build a cluster">
        <div className="section-head">
          <h2 className="section-title">Build a cluster</h2>
          <span className="section-meta">GPUs from one or many suppliers, paid as you go</span>
        </div>
        <ClusterJobForm
          draft={draft}
          errors={jobErrors}
          onChange={changeDraft}
          chosenModel={chosenModel}
          onClearModel={() => setChosenModel(null)}
          useFilters={useFilters}
          onUseFilters={setUseFilters}
          filterWords={filterWords}
          quoting={busy === 'quote'}
          quoteError={actionError?.action === 'quote' ? actionError.message : null}
          onQuote={askQuote}
        />
        <div ref={quoteRef} className="rent-quote-anchor">
        {quote ? (
          <QuoteCard
            key={quote.leaseId}
            quote={quote}
            paying={busy === 'pay'}
            payError={actionError?.action === 'pay' ? actionError.message : null}
            onPay={(budget) => void actions.pay(quote.leaseId, budget)}
            onDiscard={() => actions.discardQuote()}
            onRequote={askQuote}
          />
        ) : null}
        </div>
      </section>
    </div>
  );
}
