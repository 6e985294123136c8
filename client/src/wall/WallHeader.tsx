/** The wall's header: title, mode tabs, the live dot and the China-time clock. */
import { useTranslation } from 'react-i18next';
import type { LiveState } from '../api/live.ts';
import { cstParts } from './format.ts';
import { WALL_MODES, type WallMode } from './params.ts';

export function WallHeader(props: {
  title: string;
  mode: WallMode;
  pinned: boolean;
  rotateSeconds: number;
  onPick(m: WallMode): void;
  live: LiveState;
  stale: boolean;
  now: number;
}) {
  const { t } = useTranslation();
  const c = cstParts(props.now);
  const weekdays = t('wall.weekdays', { returnObjects: true }) as string[];
  return (
    <header className="wall__head">
      <div className="wall__brand">
        <svg className="wall__mark" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M16 2 29 9.5v13L16 30 3 22.5v-13Z" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M16 9 23 13v6l-7 4-7-4v-6Z" fill="currentColor" opacity="0.55" />
        </svg>
        <div>
          <h1 className="wall__title">{props.title}</h1>
          <div className="wall__subtitle">{t('wall.subtitle')}</div>
        </div>
      </div>
      <nav className="wall__tabs" aria-label="modes">
        {WALL_MODES.map((m) => (
          <button
            key={m}
            type="button"
            className={`wall__tab${m === props.mode ? ' is-active' : ''}`}
            data-testid={`wall-tab-${m}`}
            onClick={() => props.onPick(m)}
          >
            {t(`wall.modes.${m}`)}
            {m === props.mode && props.pinned ? <span className="wall__pin">●</span> : null}
          </button>
        ))}
        <span className="wall__rotate">{props.pinned ? t('wall.pinned') : t('wall.rotating', { s: props.rotateSeconds })}</span>
      </nav>
      <div className="wall__clockbox">
        <div className={`wall__live${props.live.connected && !props.stale ? ' is-on' : ''}`} data-testid="wall-live">
          <span className="wall__dot" />
          {props.live.connected && !props.stale ? t('wall.live') : t('wall.connecting')}
        </div>
        <div className="wall__clock mono">
          {c.hh}:{c.mm}
          <span className="wall__sec">:{c.ss}</span>
        </div>
        <div className="wall__date">
          <div>{t('wall.dateFormat', { y: c.y, m: c.m, d: c.d })}</div>
          <div>{weekdays[c.wd]}</div>
        </div>
      </div>
    </header>
  );
}
