import './cluster-job-form.css';
import type { FormEvent } from 'react';
import { RESERVED_ENV_NAMES } from '../../../../common/hub/lease-types';
import { FormField } from '../../components/form-field';
import { SegmentedControl } from '../../components/segmented-control';
import type { JobDraft, JobErrors } from './job-draft';
import { applyTemplate, JOB_TEMPLATES } from './job-templates';
import { usePaymentToken } from '../../wallet/use-payment-token';

const LIMIT_OPTIONS = [
  { value: 'duration', label: 'Duration' },
  { value: 'budget', label: 'Budget' },
] as const;

const COMMAND_OPTIONS = [
  { value: 'shell', label: 'One line' },
  { value: 'lines', label: 'One argument per line' },
] as const;

interface ClusterJobFormProps {
  draft: JobDraft;
  errors: JobErrors;
  onChange: (draft: JobDraft) => void;
  /** The model picked from the results, if any; otherwise the filters decide. */
  chosenModel: string | null;
  onClearModel: () => void;
  useFilters: boolean;
  onUseFilters: (use: boolean) => void;
  /** The applied filters in words, to say what "use the filters" means. */
  filterWords: string[];
  quoting: boolean;
  /** main's refusal of the last quote, as it said it. */
  quoteError: string | null;
  onQuote: () => void;
}

/** How many GPUs, how placed, what to run and for how long: all the hub needs for a quote. */
export function ClusterJobForm(props: ClusterJobFormProps) {
  const { draft, errors, onChange, chosenModel, useFilters, filterWords, quoting, quoteError } = props;
  const token = usePaymentToken();
  const set = <K extends keyof JobDraft>(key: K, value: JobDraft[K]) => onChange({ ...draft, [key]: value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onQuote();
  };
  const errorCount = Object.values(errors).filter(Boolean).length;

  return (
    <form className="card rent-job-form" onSubmit={submit} noValidate data-testid="rent-job-form" aria-labelledby="rent-cluster-title">
      <section className="rent-form-part">
        <h2 className="card-title" id="rent-cluster-title">
          Cluster
        </h2>
        <p className="rent-part-note">Placed all at once or not at all: either every GPU is held for you, or none is.</p>
        <div className="rent-form-grid rent-form-grid-3">
          <FormField label="GPUs in all" htmlFor="cluster-gpu-count" error={errors.gpuCount}>
            <input id="cluster-gpu-count" className="text-input mono" inputMode="numeric" value={draft.gpuCount} onChange={(e) => set('gpuCount', e.target.value)} aria-invalid={errors.gpuCount ? true : undefined} data-testid="cluster-gpu-count" />
          </FormField>
          <FormField label="Machines at most" htmlFor="cluster-max-nodes" error={errors.maxNodes} hint="Empty = as many as it takes; 1 = a single machine.">
            <input id="cluster-max-nodes" className="text-input mono" inputMode="numeric" placeholder="Any" value={draft.maxNodes} onChange={(e) => set('maxNodes', e.target.value)} aria-invalid={errors.maxNodes ? true : undefined} data-testid="cluster-max-nodes" />
          </FormField>
          <FormField label="Models" hint={chosenModel ? undefined : 'Mixed models make distributed training wait for the slowest GPU.'}>
            <label className="checkbox-line rent-check">
              <input type="checkbox" checked={draft.sameModel || chosenModel !== null} disabled={chosenModel !== null} onChange={(e) => set('sameModel', e.target.checked)} data-testid="cluster-same-model" />
              <span>All GPUs the same model</span>
            </label>
          </FormField>
        </div>
        <div className="rent-constraints" data-testid="cluster-constraints">
          {chosenModel ? (
            <span className="rent-chip" data-testid="cluster-model">
              <span className="muted">Model</span> {chosenModel}
              <button type="button" className="rent-chip-clear" onClick={props.onClearModel} aria-label="Any model" title="Any model">
                ×
              </button>
            </span>
          ) : null}
          <label className="checkbox-line rent-check">
            <input type="checkbox" checked={useFilters} onChange={(e) => props.onUseFilters(e.target.checked)} data-testid="cluster-use-filters" />
            <span>
              Only machines that match the search filters
              {filterWords.length ? <span className="muted"> ({filterWords.join(' · ')})</span> : <span className="muted"> (none set)</span>}
            </span>
          </label>
        </div>
      </section>

      <section className="rent-form-part">
        <h2 className="card-title">Job</h2>
        <p className="rent-part-note">
          Every container gets <code>RANK</code>, <code>WORLD_SIZE</code>, <code>MASTER_ADDR</code>, <code>MASTER_PORT</code> and the peers, for torch.distributed or Ray.
        </p>
        <div className="rent-form-grid">
          <FormField label="Start from a template" htmlFor="job-template" className="rent-span-2">
            <select
              id="job-template"
              className="text-input"
              value=""
              onChange={(e) => {
                const template = JOB_TEMPLATES.find((t) => t.id === e.target.value);
                if (template) onChange(applyTemplate(draft, template));
              }}
              data-testid="job-template"
            >
              <option value="">Choose a template (fills image, command, ports and env)…</option>
              {JOB_TEMPLATES.map((t) => (
                <option key={t.id} value={t.id} title={t.description}>
                  {t.name}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Image" htmlFor="job-image" error={errors.image} className="rent-span-2">
            <input id="job-image" className="text-input mono" placeholder="e.g. pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime" value={draft.image} onChange={(e) => set('image', e.target.value)} aria-invalid={errors.image ? true : undefined} spellCheck={false} data-testid="job-image" />
          </FormField>
          <div className="field rent-span-2">
            <div className="rent-label-row">
              <label className="field-label" htmlFor="job-command">
                Command <span className="muted">(optional: the image's own otherwise)</span>
              </label>
              <SegmentedControl legend="How the command is written" options={COMMAND_OPTIONS} value={draft.commandMode} onChange={(v) => set('commandMode', v)} testId="job-command-mode" />
            </div>
            {draft.commandMode === 'shell' ? (
              <input id="job-command" className="text-input mono" placeholder={'e.g. torchrun --nproc-per-node=1 train.py --epochs 3'} value={draft.command} onChange={(e) => set('command', e.target.value)} aria-invalid={errors.command ? true : undefined} spellCheck={false} data-testid="job-command" />
            ) : (
              <textarea id="job-command" className="text-input textarea" rows={4} placeholder={'e.g.\npython\n-c\nprint("hello")'} value={draft.command} onChange={(e) => set('command', e.target.value)} aria-invalid={errors.command ? true : undefined} spellCheck={false} data-testid="job-command" />
            )}
            {errors.command ? <p className="field-error" data-testid="job-command-error">{errors.command}</p> : <p className="form-field-hint">{draft.commandMode === 'shell' ? 'Split like a shell: quotes keep spaces; nothing is expanded.' : 'Each line is one argument, exactly as written.'}</p>}
          </div>
          <FormField label="Environment" htmlFor="job-env" error={errors.env} hint={`KEY=VALUE, one per line. ${RESERVED_ENV_NAMES.slice(0, 4).join(', ')}… are set by the hub.`}>
            <textarea id="job-env" className="text-input textarea" rows={3} placeholder={'e.g.\nNCCL_DEBUG=INFO\nEPOCHS=3'} value={draft.env} onChange={(e) => set('env', e.target.value)} aria-invalid={errors.env ? true : undefined} spellCheck={false} data-testid="job-env" />
          </FormField>
          <FormField label="Ports" htmlFor="job-ports" error={errors.ports} hint="Exposed on each container, e.g. 8888, 8265.">
            <input id="job-ports" className="text-input mono" placeholder="none (e.g. 8888, 8265)" value={draft.ports} onChange={(e) => set('ports', e.target.value)} aria-invalid={errors.ports ? true : undefined} data-testid="job-ports" />
          </FormField>
          <FormField label="User" hint="Jobs run as the image's own user, or nobody when it names none. Root only on machines whose owners allow it; others refuse the job.">
            <label className="checkbox-line rent-check">
              <input type="checkbox" checked={draft.runAsRoot} onChange={(e) => set('runAsRoot', e.target.checked)} data-testid="job-run-as-root" />
              <span>Run as root</span>
            </label>
          </FormField>
          <FormField label="Network" hint="Off: the job reaches only its own cluster's machines. On: also the internet, only on machines whose owners offer it, at their egress price per machine-hour (shown in the quote).">
            <label className="checkbox-line rent-check">
              <input type="checkbox" checked={draft.egress} onChange={(e) => set('egress', e.target.checked)} data-testid="job-egress" />
              <span>Internet access for the job (extra cost)</span>
            </label>
          </FormField>
        </div>
      </section>

      <section className="rent-form-part">
        <div className="rent-label-row">
          <h2 className="card-title">How long</h2>
          <SegmentedControl legend="Limit the lease by" options={LIMIT_OPTIONS} value={draft.limitBy} onChange={(v) => set('limitBy', v)} testId="job-limit-by" />
        </div>
        {draft.limitBy === 'duration' ? (
          <div className="rent-form-grid rent-form-grid-3">
            <FormField label="Hours" htmlFor="job-duration-hours" error={errors.hours}>
              <input id="job-duration-hours" className="text-input mono" inputMode="numeric" value={draft.hours} onChange={(e) => set('hours', e.target.value)} aria-invalid={errors.hours ? true : undefined} data-testid="job-duration-hours" />
            </FormField>
            <FormField label="Minutes" htmlFor="job-duration-minutes" error={errors.minutes}>
              <input id="job-duration-minutes" className="text-input mono" inputMode="numeric" value={draft.minutes} onChange={(e) => set('minutes', e.target.value)} aria-invalid={errors.minutes ? true : undefined} data-testid="job-duration-minutes" />
            </FormField>
            <p className="form-field-hint rent-limit-note">Rounded up to whole increments; you can extend a running lease.</p>
          </div>
        ) : (
          <div className="rent-form-grid rent-form-grid-3">
            <FormField label="Budget" htmlFor="job-budget" error={errors.budget} hint="As many whole increments as it buys.">
              <div className="input-suffix">
                <input id="job-budget" className="text-input mono" inputMode="decimal" placeholder="e.g. 10" value={draft.budget} onChange={(e) => set('budget', e.target.value)} aria-invalid={errors.budget ? true : undefined} data-testid="job-budget" />
                <span>{token.symbol}</span>
              </div>
            </FormField>
          </div>
        )}
      </section>

      <footer className="rent-form-foot">
        {quoteError ? (
          <p className="field-error" role="alert" data-testid="rent-quote-error">
            No quote: {quoteError}
          </p>
        ) : errorCount > 0 ? (
          <p className="field-error" role="alert" data-testid="rent-form-error">
            Fix {errorCount === 1 ? 'the field' : `the ${errorCount} fields`} marked above, then ask again.
          </p>
        ) : (
          <p className="form-field-hint">A quote holds the GPUs for a few minutes; nothing is paid until you pay it.</p>
        )}
        <button type="submit" className="button button-primary" disabled={quoting} data-testid="rent-get-quote">
          {quoting ? 'Placing…' : 'Get a quote'}
        </button>
      </footer>
    </form>
  );
}
