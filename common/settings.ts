import { z } from 'zod';

/**
 * User settings, stored in ledger.db. Each field has a default so a new install and an
 * old database both read as a complete object; later features add fields here.
 */
export const settingsSchema = z.object({
  theme: z.enum(['system', 'dark', 'light']).default('system'),
  telemetryEnabled: z.boolean().default(true),
  temperatureUnit: z.enum(['C', 'F']).default('C'),
});

export type Settings = z.output<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
