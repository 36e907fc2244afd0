import './offer-filters-form.css';
import type { FormEvent } from 'react';
import { FormField } from '../../components/form-field';
import { SegmentedControl } from '../../components/segmented-control';
import { SORT_OPTIONS } from './offer-query';
import type { OfferFilterErrors, OfferFilters } from './offer-query';
import { usePaymentToken } from '../../wallet/use-payment-token';

const KIND_OPTIONS = [
  { value: 'either', label: 'Either' },
  { value: 'on-demand', label: 'On-demand' },
  { value: 'interruptible', label: 'Interruptible' },
] as const;

interface OfferFiltersFormProps {
  filters: OfferFilters;
  errors: OfferFilterErrors;
  searching: boolean;
  onChange: (filters: OfferFilters) => void;
  onSearch: () => void;
  onReset: () => void;
}

/** The market's filters; Search applies them (and they become the cluster's constraints). */
export function OfferFiltersForm({ filters, errors, searching, onChange, onSearch, onReset }: OfferFiltersFormProps) {
  const token = usePaymentToken();
  const set = <K extends keyof OfferFilters>(key: K, value: OfferFilters[K]) => onChange({ ...filters, [key]: value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch();
  };
  return (
    <form className="card rent-filters" onSubmit={submit} noValidate data-testid="rent-filters" aria-label="Search filters">
      <div className="rent-filters-grid">
        <FormField label="GPU model" htmlFor="rent-filter-model" error={errors.gpuModel} className="rent-filter-wide">
          <input id="rent-filter-model" className="text-input" placeholder="Any, e.g. 4090 or V100" value={filters.gpuModel} onChange={(e) => set('gpuModel', e.target.value)} data-testid="rent-filter-model" />
        </FormField>
        <FormField label="Min VRAM" htmlFor="rent-filter-vram" error={errors.minVramGb}>
          <div className="input-suffix">
            <input id="rent-filter-vram" className="text-input mono" inputMode="decimal" placeholder="Any" value={filters.minVramGb} onChange={(e) => set('minVramGb', e.target.value)} aria-invalid={errors.minVramGb ? true : undefined} data-testid="rent-filter-vram" />
            <span>GB</span>
          </div>
        </FormField>
        <FormField label="Min GPUs per machine" htmlFor="rent-filter-gpus" error={errors.minGpus}>
          <input id="rent-filter-gpus" className="text-input mono" inputMode="numeric" placeholder="Any" value={filters.minGpus} onChange={(e) => set('minGpus', e.target.value)} aria-invalid={errors.minGpus ? true : undefined} data-testid="rent-filter-gpus" />
        </FormField>
        <FormField label="Max price per GPU-hour" htmlFor="rent-filter-price" error={errors.maxPrice}>
          <div className="input-suffix">
            <input id="rent-filter-price" className="text-input mono" inputMode="decimal" placeholder="Any" value={filters.maxPrice} onChange={(e) => set('maxPrice', e.target.value)} aria-invalid={errors.maxPrice ? true : undefined} data-testid="rent-filter-price" />
            <span>{token.symbol}</span>
          </div>
        </FormField>
        <FormField label="Min reliability" htmlFor="rent-filter-reliability" error={errors.minReliability}>
          <div className="input-suffix">
            <input id="rent-filter-reliability" className="text-input mono" inputMode="decimal" placeholder="Any" value={filters.minReliability} onChange={(e) => set('minReliability', e.target.value)} aria-invalid={errors.minReliability ? true : undefined} data-testid="rent-filter-reliability" />
            <span>%</span>
          </div>
        </FormField>
        <FormField label="Region" htmlFor="rent-filter-region" error={errors.region}>
          <input id="rent-filter-region" className="text-input" placeholder="Any, e.g. eu-west" value={filters.region} onChange={(e) => set('region', e.target.value)} aria-invalid={errors.region ? true : undefined} data-testid="rent-filter-region" />
        </FormField>
      </div>
      <div className="rent-filters-foot">
        <SegmentedControl legend="Interruptible or on-demand" options={KIND_OPTIONS} value={filters.kind} onChange={(v) => set('kind', v)} testId="rent-filter-kind" />
        <label className="rent-sort">
          <span className="field-label">Sort by</span>
          <select className="text-input rent-select" value={filters.sort} onChange={(e) => onChange({ ...filters, sort: e.target.value as OfferFilters['sort'] })} data-testid="rent-sort">
            {SORT_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions rent-filters-actions">
          <button type="button" className="button button-ghost" onClick={onReset} data-testid="rent-filter-reset">
            Clear filters
          </button>
          <button type="submit" className="button button-primary" disabled={searching} data-testid="rent-search">
            {searching ? 'Searching…' : 'Search'}
          </button>
        </div>
      </div>
    </form>
  );
}
