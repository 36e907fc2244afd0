import './settings-view.css';
import { useStores, useStoreState } from '../../app/store-hooks';
import { ErrorNotice } from '../../components/error-notice';
import { Fact } from '../../components/fact';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import { SegmentedControl } from '../../components/segmented-control';
import type { Settings } from '../../../../common/settings';
import { SettingRow } from './setting-row';
import { SettingsSection } from './settings-section';
import { ToggleSwitch } from './toggle-switch';
import { MarketSettingsSection } from './market-settings-section';
import { WalletSettingsSection } from './wallet-settings-section';
import { DiagnosticsRow } from './diagnostics-row';
import { LendingSafetySection } from './lending-safety-section';

const THEME_OPTIONS = [
  { value: 'system', label: 'System' },
  { value: 'dark', label: 'Dark' },
  { value: 'light', label: 'Light' },
] as const;

const UNIT_OPTIONS = [
  { value: 'C', label: '°C' },
  { value: 'F', label: '°F' },
] as const;

export function SettingsView() {
  const { settings: settingsStore } = useStores();
  const settings = useStoreState('settings', (s) => s.settings);
  const loading = useStoreState('settings', (s) => s.loading);
  const saving = useStoreState('settings', (s) => s.saving);
  const error = useStoreState('settings', (s) => s.error);
  const info = useStoreState('app', (s) => s.info);

  const update = (patch: Partial<Settings>) => void settingsStore.getState().update(patch);
  const isSaving = (...fields: Array<keyof Settings>) => fields.some((f) => saving.includes(f));

  return (
    <div className="view view-narrow" data-testid="view-settings">
      <PageHeader title="Settings" subtitle="Stored on this machine, in its Idlegrid data folder." />

      {error ? (
        <ErrorNotice
          title={settings ? 'That change was not saved' : 'Settings could not be loaded'}
          message={error}
          onRetry={settings ? undefined : () => void settingsStore.getState().load()}
          onDismiss={settings ? () => settingsStore.getState().dismissError() : undefined}
        />
      ) : null}

      {loading && !settings ? <LoadingState message="Loading settings…" /> : null}

      {settings ? (
        <>
          <SettingsSection id="appearance" title="Appearance" saving={isSaving('theme', 'temperatureUnit')}>
            <SettingRow label="Theme" hint="System follows your operating system's light or dark mode.">
              <SegmentedControl
                legend="Theme"
                options={THEME_OPTIONS}
                value={settings.theme}
                onChange={(theme) => update({ theme })}
                testId="setting-theme"
              />
            </SettingRow>
            <SettingRow label="Temperature unit" hint="Telemetry is always recorded in °C; this only changes how it is shown.">
              <SegmentedControl
                legend="Temperature unit"
                options={UNIT_OPTIONS}
                value={settings.temperatureUnit}
                onChange={(temperatureUnit) => update({ temperatureUnit })}
                testId="setting-temperature-unit"
              />
            </SettingRow>
          </SettingsSection>

          <SettingsSection
            id="telemetry"
            title="Telemetry"
            description="GPU readings stay on this machine. Thermals, the overheating guard and earnings net of electricity all depend on them."
            saving={isSaving('telemetryEnabled')}
          >
            <SettingRow
              label="Record GPU telemetry"
              htmlFor="setting-telemetry"
              hint="Reads temperature, power, load, VRAM, fan and clock once a second from one long-running nvidia-smi (AMD: one long-running loop around rocm-smi), and keeps them in telemetry.db: every second for an hour, every minute for a week, every hour beyond."
            >
              <ToggleSwitch
                id="setting-telemetry"
                checked={settings.telemetryEnabled}
                onChange={(telemetryEnabled) => update({ telemetryEnabled })}
                testId="setting-telemetry"
              />
            </SettingRow>
          </SettingsSection>
        </>
      ) : null}

      <MarketSettingsSection />

      <LendingSafetySection />

      <WalletSettingsSection />

      <SettingsSection id="about" title="About">
        {info ? (
          <dl className="facts facts-single">
            <Fact label="Version">{info.version}</Fact>
            <Fact label="Running as">{info.shell === 'desktop' ? 'Desktop app' : 'Headless server (browser UI)'}</Fact>
            <Fact label="Platform">{info.platform}</Fact>
            <Fact label="Data folder">
              <code className="break">{info.dataDir}</code>
            </Fact>
          </dl>
        ) : (
          <p className="muted">Version information is not available yet.</p>
        )}
        <DiagnosticsRow />
      </SettingsSection>
    </div>
  );
}
