import { useStores, useStoreState } from '../../app/store-hooks';
import { normaliseFingerprint } from '../../../../common/market/hub-certificate';
import { SettingRow } from './setting-row';

/**
 * Settings → Hub URL, for an https hub: its certificate's SHA-256 fingerprint, to compare
 * with the one the hub's operator gives (the hub prints it at start), and "Accept" to pin
 * it. A self-signed hub is reachable only after that, and only while it shows exactly
 * that certificate (issue 14).
 */
export function HubCertificateRow({ hubUrl }: { hubUrl: string }) {
  const { marketHub } = useStores();
  const settings = useStoreState('settings', (s) => s.settings);
  const certificate = useStoreState('marketHub', (s) => s.certificate);
  const busy = useStoreState('marketHub', (s) => s.busy === 'certificate');
  let origin: string | null = null;
  try {
    origin = new URL(hubUrl).protocol === 'https:' ? new URL(hubUrl).origin : null;
  } catch {
    origin = null;
  }
  if (!origin) return null;
  const pinned = settings?.pinnedHubCertificates[origin] ?? null;
  const shown = certificate?.origin === origin ? certificate : null;
  const matchesPin = shown && pinned ? normaliseFingerprint(shown.fingerprintSha256) === normaliseFingerprint(pinned) : null;
  return (
    <SettingRow
      label="Hub certificate"
      hint="A hub with a self-signed certificate is used only after you accept its fingerprint. Compare it with the one the hub's operator gives you (the hub prints it when it starts)."
    >
      <div className="hub-certificate" data-testid="settings-hub-certificate">
        {pinned ? (
          <p>
            Accepted: <code className="break" data-testid="settings-hub-certificate-pinned">SHA-256 {pinned}</code>
          </p>
        ) : null}
        {shown ? (
          <>
            <p>
              This hub shows <code className="break" data-testid="settings-hub-certificate-fingerprint">SHA-256 {shown.fingerprintSha256}</code>
              {shown.subject ? ` (for ${shown.subject}, valid until ${new Date(shown.validToMs).toLocaleDateString()})` : ''}.
            </p>
            {shown.trustedBySystem ? <p className="muted">This computer already trusts it: nothing to accept.</p> : null}
            {matchesPin === false ? (
              <p className="field-error" role="alert" data-testid="settings-hub-certificate-changed">
                This is not the certificate you accepted. Someone may be intercepting the connection, or the hub&apos;s certificate was replaced: accept it only if
                its operator confirms this fingerprint.
              </p>
            ) : null}
          </>
        ) : null}
        <span className="network-now">
          <button type="button" className="button button-small" disabled={busy} onClick={() => void marketHub.getState().checkCertificate(hubUrl)} data-testid="settings-hub-certificate-check">
            Show fingerprint
          </button>
          {shown && !shown.trustedBySystem && matchesPin !== true ? (
            <button
              type="button"
              className="button button-small button-primary"
              disabled={busy}
              onClick={() => void marketHub.getState().acceptCertificate(shown).then(async (ok) => {
                  if (ok) await marketHub.getState().reconnect();
                })}
              data-testid="settings-hub-certificate-accept"
            >
              Accept this certificate
            </button>
          ) : null}
        </span>
      </div>
    </SettingRow>
  );
}
