/**
 * Where the problem is: the phone's GPS (with its accuracy), or a pick on the map (loaded only when asked for),
 * or else the position in a photo. The place is checked against the district: outside it the page says so and
 * the report cannot be sent.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Fix, LonLat } from '../../field/position.ts';
import type { FieldPosition, LocateResponse } from '@gridcommand/shared/schemas';
import { ApiError } from '../../api/http.ts';

/** a fix rougher than this: the page suggests the map */
const ROUGH_FIX_M = 100;

const PickMap = lazy(() => import('./PickMap.tsx'));

export type GpsState = 'idle' | 'locating' | 'ok' | 'denied';

/** The phone's position: asked for at once when the site already may, else on a tap. */
export function useGps(): { fix: Fix | null; state: GpsState; locate: () => void } {
  const [fix, setFix] = useState<Fix | null>(null);
  const [state, setState] = useState<GpsState>('idle');
  const locate = useCallback(() => {
    if (!('geolocation' in navigator)) {
      setState('denied');
      return;
    }
    setState('locating');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setFix({ lon: p.coords.longitude, lat: p.coords.latitude, accuracyM: p.coords.accuracy, at: p.timestamp });
        setState('ok');
      },
      () => setState('denied'),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
  }, []);
  useEffect(() => {
    let gone = false;
    void navigator.permissions
      ?.query({ name: 'geolocation' })
      .then((s) => {
        if (!gone && s.state === 'granted') locate();
      })
      .catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [locate]);
  return { fix, state, locate };
}

interface Props {
  position: FieldPosition | null;
  gps: { fix: Fix | null; state: GpsState; locate: () => void };
  located: { data?: LocateResponse | undefined; error: unknown; isFetching: boolean };
  onPick: (p: LonLat | null) => void;
}

export function Place({ position, gps, located, onPick }: Props) {
  const { t } = useTranslation();
  const [mapOpen, setMapOpen] = useState(false);
  const code = located.error instanceof ApiError ? located.error.code : undefined;
  let status: { text: string; tone: 'ok' | 'warn' | 'bad' | 'info' } | null = null;
  if (position) {
    if (position.source === 'map') status = { text: t('place.map'), tone: 'ok' };
    else if (position.source === 'exif') status = { text: t('place.exif'), tone: 'ok' };
    else {
      const m = Math.round(position.accuracyM ?? 0);
      status = m > ROUGH_FIX_M ? { text: t('place.gpsPoor', { m }), tone: 'warn' } : { text: t('place.gps', { m }), tone: 'ok' };
    }
  } else if (gps.state === 'locating') status = { text: t('place.locating'), tone: 'info' };
  else if (gps.state === 'denied') status = { text: t('place.denied'), tone: 'warn' };

  return (
    <div className="c-place" data-testid="place" data-source={position?.source ?? ''}>
      {status ? (
        <p className={`c-status c-${status.tone}`} data-testid="place-status">
          {status.text}
        </p>
      ) : null}
      {position ? (
        located.data ? (
          <div className="c-where" data-testid="place-where">
            <strong>{t('place.inside', { street: located.data.street.name, community: located.data.community.name })}</strong>
            <span className="c-muted">{t('place.grid', { grid: located.data.grid.displayCode ?? located.data.grid.name })}</span>
          </div>
        ) : code === 'OUTSIDE_DISTRICT' ? (
          <p className="c-status c-bad" role="alert" data-testid="place-outside">
            {t('place.outside')}
          </p>
        ) : code === 'NO_GRID_AT_POINT' ? (
          <p className="c-muted">{t('place.noGrid')}</p>
        ) : located.isFetching ? (
          <p className="c-muted">{t('place.checking')}</p>
        ) : null
      ) : null}
      <div className="c-row">
        <button type="button" className="c-btn c-btn-secondary" onClick={() => { onPick(null); gps.locate(); }} disabled={gps.state === 'locating'} data-testid="use-gps">
          {t('place.useGps')}
        </button>
        <button type="button" className="c-btn c-btn-secondary" onClick={() => setMapOpen(true)} data-testid="pick-map">
          {t('place.pickMap')}
        </button>
      </div>
      {mapOpen ? (
        <Suspense fallback={<div className="c-sheet"><p className="c-muted c-center">{t('place.mapLoading')}</p></div>}>
          <PickMap
            start={position}
            me={gps.fix}
            onDone={(p) => {
              setMapOpen(false);
              if (p) onPick(p);
            }}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
