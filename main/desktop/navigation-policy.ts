/**
 * Where the app's web contents may go, decided without Electron so it can be tested:
 * the main frame only to the app's own renderer (a top-level navigation elsewhere, a
 * server redirect away from it, or any sub-frame navigation at all is refused — the app
 * embeds no frames), and `window.open` never opens a window (an https link goes to the
 * system browser). Electron security checklist items 13 ("Disable or limit navigation")
 * and 14 ("Disable or limit creation of new windows").
 */
export interface NavigationPolicy {
  /** `will-navigate` and `will-redirect` of the main frame: true allows it. */
  mainFrame(url: string): boolean;
  /** `will-frame-navigate` / `will-redirect` of any frame. */
  frame(url: string, isMainFrame: boolean): boolean;
  /** `setWindowOpenHandler`: the URL to hand to the system browser, or null. */
  externalLink(url: string): string | null;
}

/**
 * `isOpenForward` says whether an http URL is one of the renter's open port forwards
 * (http://127.0.0.1:PORT/ of a forward that listens now): those open in the system
 * browser too — a notebook or dashboard of a leased node — and no other plain http URL.
 */
export function createNavigationPolicy(isAppUrl: (url: string) => boolean, isOpenForward: (url: string) => boolean = () => false): NavigationPolicy {
  const mainFrame = (url: string) => isAppUrl(url);
  return {
    mainFrame,
    frame: (url, isMainFrame) => isMainFrame && mainFrame(url),
    externalLink: (url) => {
      try {
        const parsed = new URL(url);
        if (parsed.protocol === 'https:') return url;
        return parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1' && isOpenForward(url) ? url : null;
      } catch {
        return null;
      }
    },
  };
}
