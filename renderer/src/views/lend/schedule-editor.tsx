import './schedule-editor.css';
import type { ScheduleWindowDraft, TermsErrors } from './terms-draft';
import { formatUtcOffset, localOffsetMinutes } from './schedule-local';

/** Sunday first, as the hub numbers days (0 = Sunday). Shown Monday first, in local time. */
const DAYS = [
  { day: 1, label: 'Mon' },
  { day: 2, label: 'Tue' },
  { day: 3, label: 'Wed' },
  { day: 4, label: 'Thu' },
  { day: 5, label: 'Fri' },
  { day: 6, label: 'Sat' },
  { day: 0, label: 'Sun' },
];

interface ScheduleEditorProps {
  windows: ScheduleWindowDraft[];
  errors: TermsErrors;
  onChange: (windows: ScheduleWindowDraft[]) => void;
}

/** Weekly windows, in the viewer's local time (stored in UTC), when new leases are taken; none = always. */
export function ScheduleEditor({ windows, errors, onChange }: ScheduleEditorProps) {
  const update = (index: number, patch: Partial<ScheduleWindowDraft>) =>
    onChange(windows.map((w, i) => (i === index ? { ...w, ...patch } : w)));
  const toggleDay = (index: number, day: number) => {
    const days = windows[index]?.days ?? [];
    update(index, { days: days.includes(day) ? days.filter((d) => d !== day) : [...days, day] });
  };

  const zone = formatUtcOffset(localOffsetMinutes());
  return (
    <div className="schedule" data-testid="lend-terms-schedule">
      <p className="muted small schedule-zone" data-testid="lend-schedule-zone">
        Times are in your local time ({zone} now, as this screen knows it). The hub keeps them in UTC, so a daylight-saving change moves them by an hour: check them after one.
      </p>
      {windows.length === 0 ? <p className="muted schedule-always">Always: new leases are taken at any time.</p> : null}
      {windows.map((w, index) => {
        const error = errors[`schedule.${index}`];
        return (
          <div key={index} className="schedule-window" data-testid="lend-schedule-window">
            <div className="schedule-days" role="group" aria-label={`Days of window ${index + 1}`}>
              {DAYS.map(({ day, label }) => (
                <button
                  key={day}
                  type="button"
                  className={w.days.includes(day) ? 'day-chip day-chip-on' : 'day-chip'}
                  aria-pressed={w.days.includes(day)}
                  onClick={() => toggleDay(index, day)}
                  data-testid={`lend-schedule-day-${day}`}
                >
                  {label}
                </button>
              ))}
            </div>
            <label className="schedule-time">
              <span className="visually-hidden">Start (local time)</span>
              <input className="text-input mono" value={w.start} onChange={(e) => update(index, { start: e.target.value })} placeholder="HH:MM" aria-invalid={error ? true : undefined} data-testid="lend-schedule-start" />
            </label>
            <span className="muted">to</span>
            <label className="schedule-time">
              <span className="visually-hidden">End (local time)</span>
              <input className="text-input mono" value={w.end} onChange={(e) => update(index, { end: e.target.value })} placeholder="HH:MM" aria-invalid={error ? true : undefined} data-testid="lend-schedule-end" />
            </label>
            <span className="muted">local</span>
            <button type="button" className="button button-small button-ghost" onClick={() => onChange(windows.filter((_, i) => i !== index))} data-testid="lend-schedule-remove">
              Remove
            </button>
            {error ? <p className="field-error schedule-error">{error}</p> : null}
          </div>
        );
      })}
      <button
        type="button"
        className="button button-small"
        disabled={windows.length >= 28}
        onClick={() => onChange([...windows, { days: [1, 2, 3, 4, 5], start: '22:00', end: '24:00' }])}
        data-testid="lend-schedule-add"
      >
        Add a window
      </button>
    </div>
  );
}
