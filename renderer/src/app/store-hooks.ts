import { useContext } from 'react';
import { useStore } from 'zustand';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import type { Settings } from '../../../common/settings';
import type { Stores } from '../stores/create-stores';
import type { AppStoreState } from '../stores/app-store';
import type { HardwareStoreState } from '../stores/hardware-store';
import type { SettingsStoreState } from '../stores/settings-store';
import type { TelemetryStoreState } from '../stores/telemetry-store';
import { StoresContext } from './stores-context';

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores: no StoresContext above this component');
  return stores;
}

// Selectors must return stable values (a field, not a new object), or zustand 5
// re-renders forever; select several fields with several hooks.
export function useAppStore<T>(selector: (state: AppStoreState) => T): T {
  return useStore(useStores().app, selector);
}

export function useHardwareStore<T>(selector: (state: HardwareStoreState) => T): T {
  return useStore(useStores().hardware, selector);
}

export function useTelemetryStore<T>(selector: (state: TelemetryStoreState) => T): T {
  return useStore(useStores().telemetry, selector);
}

export function useSettingsStore<T>(selector: (state: SettingsStoreState) => T): T {
  return useStore(useStores().settings, selector);
}

/** Settings for display: the defaults until the real ones have loaded. */
export function useSettingsOrDefaults(): Settings {
  return useSettingsStore((s) => s.settings) ?? DEFAULT_SETTINGS;
}
