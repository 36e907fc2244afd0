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
  const { settings: settingsStore, lend } = useStores();
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
          // Through the lend terms, so the offers the hub places root jobs on follow at once.
          onChange={(allowRootJobs) => void lend.getState().saveTerms({ ...settings.lendTerms, allowRootJobs }).then(() => settingsStore.getState().load())}
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
      <GpuReleaseRows />
    </SettingsSection>
  );
}

/**
 * Moving GPUs to another owner (issue 14.3): the hub binds each GPU to the owner that
 * registered it first. The old owner signs a release naming the new owner; the new owner
 * pastes it here, and this machine sends it when it connects.
 */
function GpuReleaseRows() {
  const { lend } = useStores();
  const error = useStoreState('lend', (s) => s.releaseError);
  const held = useStoreState('settings', (s) => s.settings?.gpuReleases.length ?? 0);
  const [newOwner, setNewOwner] = useState('');
  const [made, setMade] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const [accepted, setAccepted] = useState(false);
  return (
    <>
      <SettingRow
        label="Release this machine's GPUs"
        htmlFor="settings-release-new-owner"
        hint="Selling or giving this machine's GPUs to someone else: the hub keeps them bound to your wallet until you sign a release naming their wallet. Give them the text; this machine can no longer offer those GPUs once they connect."
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setMade(null);
            void lend.getState().releaseGpus(newOwner).then(setMade);
          }}
        >
          <input id="settings-release-new-owner" className="text-input mono" value={newOwner} onChange={(e) => setNewOwner(e.target.value)} placeholder="New owner's wallet address" spellCheck={false} data-testid="settings-release-new-owner" />
          <button type="submit" className="button button-small" disabled={newOwner.trim().length < 32} data-testid="settings-release-gpus">
            Sign release
          </button>
        </form>
        {made ? (
          <textarea className="text-input mono" rows={4} readOnly value={made} aria-label="GPU release to hand over" data-testid="settings-release-text" />
        ) : null}
      </SettingRow>
      <SettingRow
        label="GPUs released to you"
        htmlFor="settings-release-paste"
        hint={`Took over GPUs from another owner? Paste the release they signed; this machine sends it to the hub when it connects.${held > 0 ? ` ${held} GPU release${held === 1 ? '' : 's'} kept.` : ''}`}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void lend.getState().acceptGpuReleases(pasted).then((ok) => {
              setAccepted(ok);
              if (ok) setPasted('');
            });
          }}
        >
          <textarea id="settings-release-paste" className="text-input mono" rows={3} value={pasted} onChange={(e) => { setPasted(e.target.value); setAccepted(false); }} spellCheck={false} data-testid="settings-release-paste" />
          <button type="submit" className="button button-small" disabled={pasted.trim().length === 0} data-testid="settings-release-accept">
            Use this release
          </button>
        </form>
        {accepted ? <p className="muted small">Kept: sent to the hub at the next connection.</p> : null}
      </SettingRow>
      {error ? (
        <p className="field-error" role="alert" data-testid="settings-release-error">
          {error}
        </p>
      ) : null}
    </>
  );
}
