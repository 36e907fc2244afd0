import { useState } from 'react';
import { useStoreState, useStores } from '../../app/store-hooks';
import { downloadTextFile } from '../../app/download-file';
import { ErrorNotice } from '../../components/error-notice';
import { SettingRow } from './setting-row';

/**
 * Settings → About: one JSON file for a bug report (recent logs, the setup doctor's
 * results, versions, detected hardware). Built in main, where it is scrubbed; saved here
 * through a download link, the same on desktop and headless.
 */
export function DiagnosticsRow() {
  const { app } = useStores();
  const { busy, error } = useStoreState('app', (s) => s.diagnostics);
  const [saved, setSaved] = useState<string | null>(null);

  const exportDiagnostics = async () => {
    setSaved(null);
    const file = await app.getState().exportDiagnostics();
    if (!file) return;
    downloadTextFile(file.filename, file.json, 'application/json');
    setSaved(file.filename);
  };

  return (
    <>
      <SettingRow
        label="Diagnostics"
        hint="One file to attach to a bug report: recent logs, the setup doctor's results, versions and detected hardware. It holds no wallet keys or passphrases, and wallet addresses are shortened."
      >
        <button type="button" className="button" disabled={busy} onClick={() => void exportDiagnostics()} data-testid="settings-export-diagnostics">
          {busy ? 'Exporting…' : 'Export diagnostics'}
        </button>
      </SettingRow>
      {saved ? (
        <p className="setting-row-hint" role="status" data-testid="settings-diagnostics-result">
          Saved {saved} to your downloads.
        </p>
      ) : null}
      {error ? <ErrorNotice title="Could not export diagnostics" message={error} /> : null}
    </>
  );
}
