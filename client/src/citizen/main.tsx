/** The citizen's pages (/report, /track): their own small bundle; no login, no map until the citizen asks for one. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { citizenI18n } from './i18n.ts';
import { CitizenApp } from './CitizenApp.tsx';
import './citizen.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from citizen/index.html');
const qc = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: true, staleTime: 10_000 } } });
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={citizenI18n}>
      <QueryClientProvider client={qc}>
        <CitizenApp />
      </QueryClientProvider>
    </I18nextProvider>
  </StrictMode>,
);
