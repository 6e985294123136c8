/**
 * The app's frame: who is signed in (the sign-in screen until then), the header with the connection and the outbox
 * count on every screen, the screen of the route, and the tab bar. Also what runs while signed in whatever the
 * screen: the outbox's sending, the live stream of my grids' cases, and the patrol's track.
 */
import { lazy, Suspense, useCallback, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { FieldMe } from '@gridcommand/shared/schemas';
import { keys } from '../api/keys.ts';
import { useLive, type LiveEvent } from '../api/live.ts';
import { isForbidden, isSignedOut, useFieldMe } from './api.ts';
import { isFresh, latestFix, onFix, useGeo } from './geo.ts';
import { back, useRoute, type FieldRoute } from './route.ts';
import { useOnline, useOutbox, useOutboxSending, usePatrolState, useRuntime } from './runtime.tsx';
import { fieldTestState } from './testHooks.ts';
import { ToastHost } from './ui/toast.tsx';
import { LoginScreen } from './screens/Login.tsx';
import { TodayScreen } from './screens/Today.tsx';

const loaders = {
  report: () => import('./screens/Report.tsx'),
  task: () => import('./screens/Task.tsx'),
  patrol: () => import('./screens/Patrol.tsx'),
  outbox: () => import('./screens/Outbox.tsx'),
  me: () => import('./screens/Me.tsx'),
  score: () => import('./screens/Score.tsx'),
};
const ReportScreen = lazy(loaders.report);
const TaskScreen = lazy(loaders.task);
const PatrolScreen = lazy(loaders.patrol);
const OutboxScreen = lazy(loaders.outbox);
const MeScreen = lazy(loaders.me);
const ScoreScreen = lazy(loaders.score);

/** The other screens load after the first one is drawn, so that a tab opens at once (and works offline). */
function preloadScreens(): void {
  for (const load of Object.values(loaders)) void load().catch(() => undefined);
}

export function FieldApp() {
  const me = useFieldMe();
  const { t } = useTranslation();
  if (me.data) return <SignedIn me={me.data} meAt={me.dataUpdatedAt} />;
  if (me.error && isForbidden(me.error)) return <LoginScreen notice={t('login.notWorker')} />;
  if (me.error && isSignedOut(me.error)) return <LoginScreen />;
  // nothing kept on this phone and no server to ask: the sign-in screen says so
  if (me.isPending && me.fetchStatus === 'paused') return <LoginScreen />;
  if (me.error) return <LoginScreen notice={me.error instanceof Error ? me.error.message : String(me.error)} />;
  return <Splash />;
}

function Splash() {
  return (
    <div className="f-splash" data-testid="field-splash">
      <div className="f-logo" aria-hidden="true" />
    </div>
  );
}

const LIVE_CASE_TYPES = ['case.*', 'dispatch.*'] as const;
const LIVE_REFRESH_MS = 400;

function SignedIn({ me, meAt }: { me: FieldMe; meAt: number }) {
  const route = useRoute();
  const qc = useQueryClient();
  const online = useOnline();
  const { patrol } = useRuntime();
  const box = useOutbox();
  useOutboxSending(me.user.id);

  // new and changed cases of my grids arrive through the live stream: the task lists are read again
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onBatch = useCallback(
    (events: readonly LiveEvent[]) => {
      if (events.length === 0 || timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void qc.invalidateQueries({ queryKey: keys.field.taskLists() });
        void qc.invalidateQueries({ queryKey: keys.field.cases() });
      }, LIVE_REFRESH_MS);
    },
    [qc],
  );
  const live = useLive(onBatch, { types: LIVE_CASE_TYPES, enabled: online });
  useEffect(() => {
    fieldTestState.live = live.connected;
  }, [live.connected]);
  // back online: what the lists said may be old
  useEffect(() => {
    if (online) void qc.invalidateQueries({ queryKey: keys.field.all() });
  }, [online, qc]);

  useEffect(() => {
    fieldTestState.userId = me.user.id;
    fieldTestState.ready = true;
    preloadScreens();
    return () => {
      fieldTestState.userId = null;
    };
  }, [me.user.id]);

  // the server's view of the patrol (another phone, a stop made elsewhere) once the outbox has nothing about it,
  // and only from an answer read after the last write was sent
  const patrolBusy = box.entries.some((e) => e.payload.kind.startsWith('patrol_'));
  const fresh = meAt > (box.lastSentAt ?? 0);
  useEffect(() => {
    if (!box.sending && fresh) patrol.reconcile(me.activePatrol, patrolBusy);
  }, [me.activePatrol, patrolBusy, box.sending, fresh, patrol]);

  // each screen opens at its top
  const routeKey = route.name === 'task' ? `task/${route.id}` : route.name;
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [routeKey]);

  const onPatrol = usePatrolState() !== null;
  useGeo(onPatrol);
  useEffect(() => {
    if (!onPatrol) return;
    // the track starts where the worker stands (the watch reports again only when the phone moves)
    const now = latestFix();
    if (isFresh(now)) void patrol.fix(now!);
    return onFix((f) => void patrol.fix(f));
  }, [onPatrol, patrol]);

  return (
    <div className="f-app" data-screen={route.name}>
      <Header route={route} online={online} />
      <main className="f-main">
        <Suspense fallback={<div className="f-loading" />}>
          <Screen route={route} me={me} />
        </Suspense>
      </main>
      <TabBar route={route} />
      <ToastHost />
    </div>
  );
}

function Screen({ route, me }: { route: FieldRoute; me: FieldMe }) {
  switch (route.name) {
    case 'today':
      return <TodayScreen me={me} />;
    case 'report':
      return <ReportScreen me={me} />;
    case 'task':
      return <TaskScreen id={route.id} me={me} />;
    case 'patrol':
      return <PatrolScreen me={me} />;
    case 'outbox':
      return <OutboxScreen />;
    case 'me':
      return <MeScreen me={me} />;
    case 'score':
      return <ScoreScreen me={me} />;
  }
}

function Header({ route, online }: { route: FieldRoute; online: boolean }) {
  const { t } = useTranslation();
  const box = useOutbox();
  const title = route.name === 'task' ? t('task.title') : t(`tabs.${route.name}`);
  return (
    <header className="f-header">
      <div className="f-header-title">
        {route.name === 'task' || route.name === 'score' ? (
          <button type="button" className="f-back" onClick={back} aria-label={t('app.back')}>
            ‹
          </button>
        ) : null}
        <h1>{title}</h1>
      </div>
      <div className="f-header-status">
        {box.pending + box.failed > 0 ? (
          <a href="#/outbox" className={`f-badge ${box.failed > 0 ? 'f-badge-bad' : ''}`} data-testid="outbox-badge" data-pending={box.pending}>
            {box.pending > 0 ? t('app.pending', { count: box.pending }) : t('app.failed', { count: box.failed })}
          </a>
        ) : null}
        <span className={`f-net ${online ? 'f-net-on' : 'f-net-off'}`} data-testid="net-status">
          {online ? t('app.online') : t('app.offline')}
        </span>
      </div>
    </header>
  );
}

const TABS = ['today', 'report', 'patrol', 'outbox', 'me'] as const;
const TAB_ICONS: Record<(typeof TABS)[number], string> = {
  today: 'M4 5h16v14H4z M4 9h16 M9 5v4',
  report: 'M12 4v16 M4 12h16',
  patrol: 'M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z M12 10.5a2 2 0 1 0 0-.1',
  outbox: 'M4 13l3-8h10l3 8v6H4z M4 13h5l1 2h4l1-2h5',
  me: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c1-4 4.5-6 8-6s7 2 8 6',
};

function TabBar({ route }: { route: FieldRoute }) {
  const { t } = useTranslation();
  const box = useOutbox();
  const active = route.name === 'task' ? 'today' : route.name === 'score' ? 'me' : route.name;
  return (
    <nav className="f-tabs" aria-label="tabs">
      {TABS.map((name) => (
        <a
          key={name}
          href={name === 'today' ? '#/' : `#/${name}`}
          className={`f-tab ${active === name ? 'f-tab-on' : ''} ${name === 'report' ? 'f-tab-report' : ''}`}
          data-testid={`tab-${name}`}
          aria-current={active === name ? 'page' : undefined}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d={TAB_ICONS[name]} />
          </svg>
          <span>{t(`tabs.${name}`)}</span>
          {name === 'outbox' && box.pending + box.failed > 0 ? <i className="f-tab-dot">{box.pending + box.failed}</i> : null}
        </a>
      ))}
    </nav>
  );
}
