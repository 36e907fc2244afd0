import { useStores, useStoreState } from '../../app/store-hooks';
import { MarketHubStatusLine } from '../../app/market-hub-status-line';
import { SettingRow } from './setting-row';
import { SettingsSection } from './settings-section';
import { ToggleSwitch } from './toggle-switch';

/** Settings → Market and startup: the hub the market runs through, and start on login. */
export function MarketSettingsSection() {
  const { settings: settingsStore } = useStores();
  const settings = useStoreState('settings', (s) => s.settings);
  const saving = useStoreState('settings', (s) => s.saving.includes('startOnLogin'));
  const shell = useStoreState('app', (s) => s.info?.shell);
  return (
    <SettingsSection
      id="market"
      title="Market and startup"
      description="Lending, renting and the explorer all go through one hub: the sandbox hub on this machine, or your private grid's (choose it under Network below)."
      saving={saving}
    >
      <SettingRow label="Market hub">
        <MarketHubStatusLine />
      </SettingRow>
      {settings ? (
        <SettingRow
          label="Start on login"
          htmlFor="settings-start-on-login"
          hint={
            shell === 'headless'
              ? 'Applies to the desktop app: it starts in the tray when you log in, and resumes sharing if it was on. A headless server is started by your service manager instead (e.g. a systemd unit running npm run serve).'
              : 'Idlegrid starts in the tray when you log in, and resumes sharing if it was on.'
          }
        >
          <ToggleSwitch
            id="settings-start-on-login"
            checked={settings.startOnLogin}
            onChange={(startOnLogin) => void settingsStore.getState().update({ startOnLogin })}
            testId="settings-start-on-login"
          />
        </SettingRow>
      ) : null}
    </SettingsSection>
  );
}
