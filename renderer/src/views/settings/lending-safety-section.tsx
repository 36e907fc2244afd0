import { useEffect, useState } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { SettingRow } from './setting-row';
import { SettingsSection } from './settings-section';
import { ToggleSwitch } from './toggle-switch';

/** One registry per line or comma: `host:port` as in an image reference, or `host:*`. */
function parseRegistries(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((r) => r.trim()).filter((r) => r.length > 0))];
}

/**
 * Settings → Lending safety: what a renter's job may ask of this machine beyond the
 * defaults (issue 14, item 5). Jobs run as an unprivileged user and their images never
 * come from this machine's own network, unless the owner says otherwise here.
 */
export function LendingSafetySection() {
  const { settings: settingsStore } = useStores();
  const settings = useStoreState('settings', (s) => s.settings);
  const saving = useStoreState('settings', (s) => s.saving.includes('lendTerms') || s.saving.includes('allowedRegistries'));
  const [registries, setRegistries] = useState('');
  const stored = settings?.allowedRegistries.join('\n') ?? '';
  useEffect(() => setRegistries(stored), [stored]);
  if (!settings) return null;
  const changed = parseRegistries(registries).join('\n') !== stored;
  return (
    <SettingsSection
      id="lending-safety"
      title="Lending safety"
      description="A renter's job runs as an unprivileged user, with a fixed amount of scratch space (kept in memory), and its image never comes from a registry on this machine or your local network."
      saving={saving}
    >
      <SettingRow
        label="Let renters run jobs as root"
        htmlFor="settings-allow-root-jobs"
        hint="Off: every job runs as its image's own user, or as nobody (65534) when the image names none or names root; a renter who asks for root is refused with that reason. Root inside the container still has no capabilities, but it owns everything the job can reach."
      >
        <ToggleSwitch
          id="settings-allow-root-jobs"
          checked={settings.lendTerms.allowRootJobs === true}
          onChange={(allowRootJobs) => void settingsStore.getState().update({ lendTerms: { ...settings.lendTerms, allowRootJobs } })}
          testId="settings-allow-root-jobs"
        />
      </SettingRow>
      <SettingRow
        label="Registries allowed on your network"
        htmlFor="settings-allowed-registries"
        hint='Images from registries on loopback or private addresses (127.0.0.1, localhost, 10.x, 192.168.x, 100.64.x, fd00::…) are refused, so a renter cannot reach your network through Docker. List your own registries here, one per line, as "host:port" (or "host:*" for any port).'
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void settingsStore.getState().update({ allowedRegistries: parseRegistries(registries) });
          }}
        >
          <textarea
            id="settings-allowed-registries"
            className="text-input mono"
            rows={3}
            value={registries}
            onChange={(e) => setRegistries(e.target.value)}
            placeholder="192.168.1.10:5000"
            spellCheck={false}
            data-testid="settings-allowed-registries"
          />
          <button type="submit" className="button button-small button-primary" disabled={!changed} data-testid="settings-allowed-registries-save">
            Save
          </button>
        </form>
      </SettingRow>
    </SettingsSection>
  );
}
