import { useRef, useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from './api/queryClient.ts';
import { ToastProvider } from './panels/Toasts.tsx';
import { Router, type Route } from './router.tsx';
import { MapPage } from './pages/MapPage.tsx';
import { WallPage } from './pages/WallPage.tsx';
import { InsightsPage } from './pages/InsightsPage.tsx';
import { IndicatorsPage } from './insights/IndicatorsPage.tsx';
import { BulletinPage } from './insights/BulletinPage.tsx';
import { AssessmentPage } from './insights/AssessmentPage.tsx';
import { DispatchPage } from './pages/DispatchPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { AuditPage } from './admin/AuditPage.tsx';
import { CalendarPage } from './admin/CalendarPage.tsx';
import { AccountsPage } from './admin/AccountsPage.tsx';
import { QueuePage } from './queue/QueuePage.tsx';

/** Pages by path. /wall, /dispatch and /insights join here; any unknown path shows the map. */
const routes: Route[] = [
  { path: '/', render: () => <MapPage /> },
  { path: '/wall', render: () => <WallPage /> },
  { path: '/insights', render: () => <InsightsPage /> },
  { path: '/insights/indicators', render: () => <IndicatorsPage /> },
  { path: '/insights/bulletin', render: () => <BulletinPage /> },
  { path: '/insights/assessment', render: () => <AssessmentPage /> },
  { path: '/dispatch', render: () => <DispatchPage /> },
  { path: '/login', render: () => <LoginPage /> },
  { path: '/admin/audit', render: () => <AuditPage /> },
  { path: '/admin/calendar', render: () => <CalendarPage /> },
  { path: '/admin/accounts', render: () => <AccountsPage /> },
  { path: '/queue', render: () => <QueuePage /> },
  // the phone app is its own page at /field/ (field/index.html); without the slash the server answers with this one
  { path: '/field', render: () => <ToFieldApp /> },
];

function ToFieldApp() {
  window.location.replace(`/field/${window.location.search}${window.location.hash}`);
  return null;
}

export function App() {
  const reportRef = useRef<(error: unknown) => void>(() => undefined);
  const [queryClient] = useState(() => createQueryClient((error) => reportRef.current(error)));
  return (
    <ToastProvider register={(api) => (reportRef.current = api.pushError)}>
      <QueryClientProvider client={queryClient}>
        <Router routes={routes} fallback={() => <MapPage />} />
      </QueryClientProvider>
    </ToastProvider>
  );
}
