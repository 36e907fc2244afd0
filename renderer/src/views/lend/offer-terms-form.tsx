import './offer-terms-form.css';
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { Gpu } from '../../../../common/hardware/gpu';
import type { LendTerms, MarketMedian } from '../../../../common/market/lend-types';
import { SegmentedControl } from '../../components/segmented-control';
import { gpuLabel, hasMixedVendors } from '../../format/gpu-label';
import { formatMoney } from '../../format/wallet-format';
import type { TokenUnit } from '../../../../common/money/token';
import { ScheduleEditor } from './schedule-editor';
import { draftFromTerms, draftsEqual, termsFromDraft } from './terms-draft';
import type { TermsDraft, TermsErrors } from './terms-draft';
import { usePaymentToken } from '../../wallet/use-payment-token';

const KIND_OPTIONS = [
  { value: 'on-demand', label: 'On-demand' },
  { value: 'interruptible', label: 'Interruptible' },
] as const;

interface OfferTermsFormProps {
  terms: LendTerms;
  gpus: Gpu[];
  medians: Record<string, MarketMedian>;
  saving: boolean;
  /** main's refusal of the last save, as it said it. */
  saveError: string | null;
  savedAtMs: number | null;
  sharing: boolean;
  onSave: (terms: LendTerms) => Promise<boolean>;
}

/** What renters pay and the limits this machine keeps; checked here, then again by main. */
export function OfferTermsForm({ terms, gpus, medians, saving, saveError, savedAtMs, sharing, onSave }: OfferTermsFormProps) {
  const token = usePaymentToken();
  const saved = useMemo(() => draftFromTerms(terms, token), [terms, token]);
  const [draft, setDraft] = useState<TermsDraft>(saved);
  const [errors, setErrors] = useState<TermsErrors>({});
  const [justSaved, setJustSaved] = useState(false);
  const dirty = !draftsEqual(draft, saved);

  // Terms changed elsewhere (another window, the tray) replace an untouched form.
  useEffect(() => {
    if (!dirty) setDraft(saved);
    // Only when the saved terms change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved]);

  // The detection says which GPUs this machine can hand to a container; no vendor is assumed here.
  const lendable = gpus.filter((g) => g.lendable);
  const mixedVendors = hasMixedVendors(lendable);
  const models = [...new Set((draft.gpuUuids.length ? lendable.filter((g) => draft.gpuUuids.includes(g.uuid)) : lendable).map((g) => g.name))];

  const set = <K extends keyof TermsDraft>(key: K, value: TermsDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setJustSaved(false);
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = termsFromDraft(draft, terms, token);
    setErrors(checked.errors);
    if (!checked.terms) return;
    if (await onSave(checked.terms)) setJustSaved(true);
  };

  const toggleGpu = (uuid: string) => {
    const all = lendable.map((g) => g.uuid);
    const current = draft.gpuUuids.length ? draft.gpuUuids : all;
    const next = current.includes(uuid) ? current.filter((u) => u !== uuid) : [...current, uuid];
    // Every GPU ticked is stored as "all", so a GPU added later is shared too.
    set('gpuUuids', next.length === all.length && all.every((u) => next.includes(u)) ? [] : next);
  };

  const errorCount = Object.values(errors).filter(Boolean).length;

  return (
    <form className="card terms-form" onSubmit={(e) => void submit(e)} noValidate data-testid="lend-terms">
      <header className="card-head">
        <div>
          <h2 className="card-title">Offer terms</h2>
          <p className="card-subtitle">{sharing ? 'Saving republishes your offers on the hub at once.' : 'Used when you start sharing.'}</p>
        </div>
      </header>

      <div className="terms-grid">
        <Field label="Price per GPU-hour" htmlFor="lend-terms-price" error={errors.price} hint={<MedianHint models={models} medians={medians} token={token} />}>
          <div className="input-suffix">
            <input id="lend-terms-price" className="text-input mono" inputMode="decimal" value={draft.price} onChange={(e) => set('price', e.target.value)} aria-invalid={errors.price ? true : undefined} data-testid="lend-terms-price" />
            <span>{token.symbol}</span>
          </div>
        </Field>

        <Field label="Kind" hint={draft.interruptible ? 'Cheaper for renters; you may take the GPUs back mid-lease (to play a game).' : 'Renters keep the GPUs for the whole lease.'}>
          <SegmentedControl
            legend="Kind of offer"
            options={KIND_OPTIONS}
            value={draft.interruptible ? 'interruptible' : 'on-demand'}
            onChange={(v) => set('interruptible', v === 'interruptible')}
            testId="lend-terms-kind"
          />
        </Field>

        <Field label="Minimum lease" htmlFor="lend-terms-min-lease" error={errors.minLeaseHours} hint="0 = no minimum.">
          <div className="input-suffix">
            <input id="lend-terms-min-lease" className="text-input mono" inputMode="decimal" value={draft.minLeaseHours} onChange={(e) => set('minLeaseHours', e.target.value)} aria-invalid={errors.minLeaseHours ? true : undefined} data-testid="lend-terms-min-lease" />
            <span>hours</span>
          </div>
        </Field>

        <Field label="Maximum lease" htmlFor="lend-terms-max-lease" error={errors.maxLeaseHours} hint="168 hours = one week.">
          <div className="input-suffix">
            <input id="lend-terms-max-lease" className="text-input mono" inputMode="decimal" value={draft.maxLeaseHours} onChange={(e) => set('maxLeaseHours', e.target.value)} aria-invalid={errors.maxLeaseHours ? true : undefined} data-testid="lend-terms-max-lease" />
            <span>hours</span>
          </div>
        </Field>

        <Field label="Maximum temperature" htmlFor="lend-terms-max-temp" error={errors.maxTemperatureC} hint="The thermal guard pauses jobs above it.">
          <div className="input-suffix">
            <input id="lend-terms-max-temp" className="text-input mono" inputMode="numeric" value={draft.maxTemperatureC} onChange={(e) => set('maxTemperatureC', e.target.value)} aria-invalid={errors.maxTemperatureC ? true : undefined} data-testid="lend-terms-max-temp" />
            <span>°C</span>
          </div>
        </Field>

        <Field label="Electricity price" htmlFor="lend-terms-electricity" error={errors.electricityPrice} hint="Per kWh, for earnings net of electricity.">
          <div className="input-suffix">
            <input id="lend-terms-electricity" className="text-input mono" inputMode="decimal" value={draft.electricityPrice} onChange={(e) => set('electricityPrice', e.target.value)} aria-invalid={errors.electricityPrice ? true : undefined} data-testid="lend-terms-electricity" />
            <span>{token.symbol}/kWh</span>
          </div>
        </Field>

        <Field label="Internet access for jobs" htmlFor="lend-terms-egress" error={errors.egressPrice} hint="Per machine-hour on top of the GPU price. Empty = not offered: jobs reach only their own cluster.">
          <div className="input-suffix">
            <input id="lend-terms-egress" className="text-input mono" inputMode="decimal" placeholder="not offered" value={draft.egressPrice} onChange={(e) => set('egressPrice', e.target.value)} aria-invalid={errors.egressPrice ? true : undefined} data-testid="lend-terms-egress" />
            <span>{token.symbol}/h</span>
          </div>
        </Field>

        <Field label="Region" htmlFor="lend-terms-region" error={errors.region} hint="Renters filter by it. Set from this machine's time zone when sharing starts; e.g. eu-west.">
          <input id="lend-terms-region" className="text-input mono" value={draft.region} onChange={(e) => set('region', e.target.value)} aria-invalid={errors.region ? true : undefined} data-testid="lend-terms-region" />
        </Field>
      </div>

      <fieldset className="terms-fieldset">
        <legend className="field-label">Schedule (local time)</legend>
        <p className="field-hint">Outside these windows no new leases are taken; running ones finish.</p>
        <ScheduleEditor windows={draft.schedule} errors={errors} onChange={(schedule) => set('schedule', schedule)} />
      </fieldset>

      <fieldset className="terms-fieldset" data-testid="lend-terms-gpus">
        <legend className="field-label">GPUs to share</legend>
        {lendable.length === 0 ? (
          <p className="field-hint">No GPU that can be shared was detected (NVIDIA, or AMD with ROCm); see Home for what was found.</p>
        ) : (
          <div className="gpu-picks">
            {lendable.map((gpu) => {
              const checked = draft.gpuUuids.length === 0 || draft.gpuUuids.includes(gpu.uuid);
              return (
                <label key={gpu.uuid} className="gpu-pick" title={gpu.uuid}>
                  <input type="checkbox" checked={checked} onChange={() => toggleGpu(gpu.uuid)} data-testid="lend-terms-gpu" data-gpu-uuid={gpu.uuid} />
                  <span>
                    {gpuLabel(gpu, mixedVendors)} · {gpu.name}
                  </span>
                </label>
              );
            })}
          </div>
        )}
      </fieldset>

      <footer className="terms-foot">
        {saveError ? (
          <p className="field-error" role="alert" data-testid="lend-terms-error">
            Not saved: {saveError}
          </p>
        ) : errorCount > 0 ? (
          <p className="field-error" role="alert" data-testid="lend-terms-error">
            Fix {errorCount === 1 ? 'the field' : `the ${errorCount} fields`} marked above, then save again.
          </p>
        ) : justSaved && !dirty && savedAtMs ? (
          <p className="muted" role="status" data-testid="lend-terms-saved">
            Saved.
          </p>
        ) : (
          <span />
        )}
        <div className="form-actions">
          <button type="button" className="button button-ghost" disabled={!dirty || saving} onClick={() => { setDraft(saved); setErrors({}); }} data-testid="lend-terms-reset">
            Undo changes
          </button>
          <button type="submit" className="button button-primary" disabled={!dirty || saving} data-testid="lend-terms-save">
            {saving ? 'Saving…' : 'Save terms'}
          </button>
        </div>
      </footer>
    </form>
  );
}

function Field({ label, htmlFor, hint, error, children }: { label: string; htmlFor?: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      {htmlFor ? (
        <label className="field-label" htmlFor={htmlFor}>
          {label}
        </label>
      ) : (
        <span className="field-label">{label}</span>
      )}
      {children}
      {error ? <p className="field-error">{error}</p> : hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

/** The hub's median for the models offered, so the owner prices against the market. */
function MedianHint({ models, medians, token }: { models: string[]; medians: Record<string, MarketMedian>; token: TokenUnit }) {
  if (models.length === 0) return <>The market median appears once a GPU is detected.</>;
  const parts = models.map((model) => {
    const m = medians[model];
    if (!m) return `${model}: median not known (no hub)`;
    if (!m.medianPricePerGpuHour) return `${model}: no other offers yet`;
    return `${model}: median ${formatMoney(m.medianPricePerGpuHour, token)} (${m.offers} offer${m.offers === 1 ? '' : 's'})`;
  });
  return <span data-testid="lend-terms-median">{parts.join(' · ')}</span>;
}
