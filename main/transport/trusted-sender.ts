import { pathToFileURL } from 'node:url';

/**
 * Which frame URLs may call the API over IPC: only the app's own renderer (the bundled
 * index.html, or the dev server in `npm start`). A frame that navigated elsewhere, or
 * an embedded frame, gets `forbidden` — Electron security checklist: "Validate the
 * sender of all IPC messages".
 */
export function createTrustedSenderCheck(options: { rendererFile: string; devServerUrl?: string }): (url: string | undefined) => boolean {
  const fileHref = pathToFileURL(options.rendererFile).href;
  const devOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : null;
  return (url) => {
    if (!url) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin && parsed.origin === devOrigin) return true;
    if (parsed.protocol !== 'file:') return false;
    parsed.hash = '';
    parsed.search = '';
    return parsed.href === fileHref;
  };
}
