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

export function createNavigationPolicy(isAppUrl: (url: string) => boolean): NavigationPolicy {
  const mainFrame = (url: string) => isAppUrl(url);
  return {
    mainFrame,
    frame: (url, isMainFrame) => isMainFrame && mainFrame(url),
    externalLink: (url) => {
      try {
        return new URL(url).protocol === 'https:' ? url : null;
      } catch {
        return null;
      }
    },
  };
}
