import { useContext, useEffect } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import type { Settings } from '../../../common/settings';
import type { Stores } from '../stores/create-stores';
import { StoresContext } from './stores-context';

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores: no StoresContext above this component');
  return stores;
}

/** A domain's name in `Stores` ('wallet', 'rent', …) and the state its store holds. */
export type StoreName = keyof Stores;
export type StoreState<K extends StoreName> = Stores[K] extends StoreApi<infer S> ? S : never;

/**
 * One field of one domain's store, re-rendering when it changes:
 * `useStoreState('wallet', (s) => s.loading)`. The one hook for every store.
 * Selectors must return stable values (a field, not a new object), or zustand 5
 * re-renders forever; select several fields with several calls.
 */
export function useStoreState<K extends StoreName, T>(name: K, selector: (state: StoreState<K>) => T): T {
  const store = useStores()[name] as unknown as StoreApi<StoreState<K>>;
  return useStore<StoreApi<StoreState<K>>, T>(store, selector);
}

/** The names of a state's methods that start something and return how to stop it. */
type StartMethod<S> = { [M in keyof S]: S[M] extends () => () => void ? M : never }[keyof S];

/**
 * Runs a store's start-and-return-stop method (e.g. the explorer's `watch`) while the
 * calling view is mounted, and stops it when the view goes: for what only one view needs
 * (most stores subscribe to main's events once, in main.tsx).
 */
export function useWhileMounted<K extends StoreName>(name: K, method: StartMethod<StoreState<K>>): void {
  const store = useStores()[name] as unknown as StoreApi<StoreState<K>>;
  useEffect(() => (store.getState()[method] as () => () => void)(), [store, method]);
}

/** Settings for display: the defaults until the real ones have loaded. */
export function useSettingsOrDefaults(): Settings {
  return useStoreState('settings', (s) => s.settings) ?? DEFAULT_SETTINGS;
}
