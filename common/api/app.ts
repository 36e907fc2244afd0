import { z } from 'zod';
import { call, event } from './define';
import type { Settings } from '../settings';
import { settingsPatchSchema } from '../settings';

export interface AppInfo {
  version: string;
  /** Which shell the UI runs in; the UI never needs to know the transport itself. */
  shell: 'desktop' | 'headless';
  dataDir: string;
  platform: string;
}

/** One JSON file for a bug report: recent logs, doctor, versions, hardware; no secrets, addresses shortened. */
export interface DiagnosticsExport {
  filename: string;
  json: string;
}

const noParams = z.object({}).strict();

export const appCalls = {
  'app:info': call<AppInfo>()(noParams),
  'settings:get': call<Settings>()(noParams),
  'settings:update': call<Settings>()(settingsPatchSchema),
  /** Builds the diagnostics file; the UI saves it (the same way on desktop and headless). */
  'app:export-diagnostics': call<DiagnosticsExport>()(noParams),
};

export const appEvents = {
  'settings:changed': event<Settings>(),
};
