import type { ReactNode } from 'react';

interface SettingsSectionProps {
  id: string;
  title: string;
  description?: string;
  /** "Saving…" while a change of this section is on its way. */
  saving?: boolean;
  children: ReactNode;
}

/**
 * One group of settings. Later features add theirs as sections of their own
 * (network, wallet, offer) in settings-view.tsx.
 */
export function SettingsSection({ id, title, description, saving = false, children }: SettingsSectionProps) {
  return (
    <section className="card settings-section" aria-labelledby={`settings-${id}`} data-testid={`settings-${id}`}>
      <header className="settings-section-head">
        <h2 className="card-title" id={`settings-${id}`}>
          {title}
        </h2>
        {saving ? (
          <span className="saving" role="status">
            Saving…
          </span>
        ) : null}
      </header>
      {description ? <p className="settings-section-description">{description}</p> : null}
      <div className="settings-rows">{children}</div>
    </section>
  );
}
