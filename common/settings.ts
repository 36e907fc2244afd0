import { z } from 'zod';
import { NETWORK_KINDS } from './wallet/network';
import { DEFAULT_LEND_TERMS, lendTermsSchema } from './market/lend-types';
import { FINGERPRINT_SHA256 } from './market/hub-certificate';

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
  /**
   * The owner's bounds on auto-pay, in base units of the payment token: no lease's budget
   * above the ceiling, and no more than the daily cap auto-paid in any 24 hours. Raising
   * either needs the owner's confirmation (issue 14.2).
   */
  autoPayCeiling: z.string().regex(/^[0-9]{1,30}$/),
  autoPayDailyCap: z.string().regex(/^[0-9]{1,30}$/),
  /** Network 'grid' only: the private grid's hub, e.g. http://192.168.1.10:7070. */
  hubUrl: z.string().max(500),
  /**
   * Hub certificates the user accepted, by origin (`https://host:port`) → SHA-256
   * fingerprint: a self-signed hub is reached only while it shows exactly that certificate.
   */
  pinnedHubCertificates: z.record(z.string().max(500), z.string().regex(FINGERPRINT_SHA256)),
  /**
   * Lend: registries (`host:port` as in an image reference) a renter's image may come
   * from although they are on this machine's loopback or private network. Every other
   * registry on such an address is refused (issue 14, item 5): a renter must not reach
   * the owner's LAN through the image pull.
   */
  allowedRegistries: z.array(z.string().min(1).max(255).regex(/^[^\s/]+$/, 'a registry is host or host:port, no path')).max(32),
  /**
   * Lend: releases of GPUs this machine took over from another owner (issue 14.3), each
   * the previous owner's wallet signature of `gpuReleaseMessage(uuid, this owner)`, sent in
   * the worker's hello so the hub moves the GPUs' binding here.
   */
  gpuReleases: z.array(z.object({ uuid: z.string().min(1).max(96), signature: z.string().min(64).max(100).regex(/^[1-9A-HJ-NP-Za-km-z]+$/) }).strict()).max(64),
  /** Lend: what this machine offers and the limits it guards. */
  lendTerms: lendTermsSchema,
  /** Lend: sharing was on when the app last ran (a restart resumes it). */
  sharingEnabled: z.boolean(),
  /** Desktop: start the app (in the tray) when the user logs in. */
  startOnLogin: z.boolean(),
  /** First run: the user answered the sandbox welcome (create a wallet, get test money). */
  welcomeDone: z.boolean(),
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
  // 100 and 50 USDC (6 decimals).
  autoPayCeiling: '100000000',
  autoPayDailyCap: '50000000',
  hubUrl: '',
  pinnedHubCertificates: {},
  allowedRegistries: [],
  gpuReleases: [],
  lendTerms: DEFAULT_LEND_TERMS,
  sharingEnabled: false,
  startOnLogin: false,
  welcomeDone: false,
};
