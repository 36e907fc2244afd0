import type { Locator, Page } from '@playwright/test';

export const SECTIONS = ['home', 'lend', 'thermals', 'earnings', 'rent', 'wallet', 'explorer', 'settings'] as const;
export type Section = (typeof SECTIONS)[number];

/** The navigation and frame around every view. */
export class AppShell {
  constructor(readonly page: Page) {}

  nav(section: Section): Locator {
    return this.page.getByTestId(`nav-${section}`);
  }

  view(section: Section): Locator {
    return this.page.getByTestId(`view-${section}`);
  }

  async goTo(section: Section): Promise<Locator> {
    await this.nav(section).click();
    const view = this.view(section);
    await view.waitFor();
    return view;
  }
}
