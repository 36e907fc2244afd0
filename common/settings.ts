import { z } from 'zod';
import { NETWORK_KINDS } from './wallet/network';

/**
 * User settings, stored in ledger.db, one row per field. Later features add fields here
 * and a default in DEFAULT_SETTINGS, so a new install and an old database both read as a
 * complete object. The schemas carry no `.default()`: a patch must name only what it
 * changes (zod would otherwise fill every missing field of a patch with its default).
 */
const settingsFields = {
  theme: z.enum(['system', 'dark', 'light']),
  telemetryEnabled: z.boolean(),
  temperatureUnit: z.enum(['C', 'F']),
  /** The Solana network payments use; the sandbox (embedded chain, test money) by default. */
  network: z.enum(NETWORK_KINDS),
  /** Network 'custom' only: the RPC URL and the USDC mint (checked by `network:set`). */
  customRpcUrl: z.string().max(500),
  customUsdcMint: z.string().max(44),
  /** Lease payments inside a renter's per-lease budget are signed without asking (off by default). */
  autoPayEnabled: z.boolean(),
};

export const settingsSchema = z.object(settingsFields).strict();
export type Settings = z.output<typeof settingsSchema>;

export const settingsPatchSchema = z.object(settingsFields).partial().strict();
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  telemetryEnabled: true,
  temperatureUnit: 'C',
  network: 'sandbox',
  customRpcUrl: '',
  customUsdcMint: '',
  autoPayEnabled: false,
};
