// The layer order first (styles/layers.css), then the app-wide sheets; each view and
// component imports its own.
import './styles/layers.css';
import './styles/reset.css';
import './styles/tokens.css';
import './styles/base.css';
import './styles/surfaces.css';
import './styles/forms.css';
import './styles/controls.css';
import './styles/readings.css';
import './styles/log-view.css';
import './styles/chart-legend.css';
import './styles/utilities.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api';
import { App } from './app/app';
import { StoresContext } from './app/stores-context';
import { resolveTheme } from './app/theme';
import { applyTheme, cachedThemePreference } from './app/use-theme';
import { createStores, startStores } from './stores/create-stores';
import { registerLocalWallet } from './wallet/register-local-wallet';
import { WalletProviders } from './wallet/wallet-providers';

// The right theme before the first paint, so a light-theme user never sees a dark flash.
applyTheme(resolveTheme(cachedThemePreference(), window.matchMedia('(prefers-color-scheme: dark)').matches));

// One client, one set of stores, for the life of the window. Stores subscribe to
// main's events here, not in components, so no view can double-subscribe.
const client = createApiClient();
const stores = createStores(client);
startStores(stores);
// This machine's wallet joins the Wallet Standard registry before the adapter looks.
registerLocalWallet(client, stores.wallet);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <StoresContext value={stores}>
      <WalletProviders>
        <App />
      </WalletProviders>
    </StoresContext>
  </StrictMode>,
);
