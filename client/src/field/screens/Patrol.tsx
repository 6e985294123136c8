/** 巡查: start and stop (the track is recorded while on patrol, whatever the screen), check-in at a place, household visits. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldMe, FieldPosition } from '@gridcommand/shared/schemas';
import { cstDateKey } from '@gridcommand/shared/domain';
import { currentFix, useGeo } from '../geo.ts';
import type { Fix } from '../position.ts';
import { sendSoon, useOnline, usePatrolState, useRuntime } from '../runtime.tsx';
import { GridMap } from '../ui/GridMap.tsx';
import { clock } from '../ui/format.ts';
import { toast } from '../ui/toast.tsx';

const positionOf = (f: Fix | null): FieldPosition | undefined =>
  f ? { lon: f.lon, lat: f.lat, at: new Date(f.at).toISOString(), source: 'gps', ...(f.accuracyM !== undefined ? { accuracyM: Math.round(f.accuracyM) } : {}) } : undefined;

export default function PatrolScreen({ me }: { me: FieldMe }) {
  const { t } = useTranslation();
  const { patrol } = useRuntime();
  const state = usePatrolState();
  const geo = useGeo(true);
  const [busy, setBusy] = useState(false);

  const toggle = async () => {
    setBusy(true);
    try {
      const fix = geo.fix ?? (await currentFix(5_000));
      if (state) await patrol.stop(positionOf(fix));
      else await patrol.start(positionOf(fix));
    } finally {
      setBusy(false);
    }
  };

  const minutes = state ? Math.max(0, Math.round((Date.now() - state.startedAt) / 60_000)) : 0;
  return (
    <div className="f-screen" data-testid="screen-patrol" data-on-patrol={state ? 'true' : 'false'}>
      <section className="f-card f-card-flush">
        <GridMap grids={me.grids} bbox={me.bbox} me={geo.fix} line={state?.line ?? []} height={220} testId="patrol-map" />
        <div className="f-patrol-bar">
          <div>
            <strong className={state ? 'f-on-patrol' : ''}>{state ? t('patrol.running') : t('patrol.idle')}</strong>
            {state ? (
              <span className="f-muted">
                {t('patrol.since', { time: clock(state.startedAt), min: minutes })} ·{' '}
                <span data-testid="patrol-points">{t('patrol.points', { n: state.line.length })}</span>
              </span>
            ) : null}
          </div>
          <button type="button" className={`f-btn f-btn-big ${state ? 'f-btn-danger' : 'f-btn-ok'}`} onClick={() => void toggle()} disabled={busy} data-testid="patrol-toggle">
            {state ? t('patrol.stop') : t('patrol.start')}
          </button>
        </div>
      </section>
      <Checkin fix={geo.fix} />
      <Visit fix={geo.fix} />
    </div>
  );
}

function Checkin({ fix }: { fix: Fix | null }) {
  const { t } = useTranslation();
  const { outbox, patrol } = useRuntime();
  const online = useOnline();
  const [place, setPlace] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    if (!place.trim()) return setProblem(t('patrol.needPlace'));
    const f = fix ?? (await currentFix(5_000));
    if (!f) return setProblem(t('patrol.needFix'));
    setProblem(null);
    await outbox.add(`${t('outbox.kind.checkin')}：${place.trim()}`, {
      kind: 'checkin',
      lon: Math.round(f.lon * 1e6) / 1e6,
      lat: Math.round(f.lat * 1e6) / 1e6,
      ...(f.accuracyM !== undefined ? { accuracyM: Math.round(f.accuracyM) } : {}),
      at: new Date().toISOString(),
      place: place.trim(),
      ...(note.trim() ? { note: note.trim() } : {}),
      photos: [],
    });
    patrol.checkedIn();
    sendSoon(outbox);
    toast(online ? t('patrol.checkedIn', { place: place.trim() }) : t('report.saved'));
    setPlace('');
    setNote('');
  };
  return (
    <section className="f-card" data-testid="checkin">
      <h2>{t('patrol.checkin')}</h2>
      <label className="f-field">
        <span>{t('patrol.place')}</span>
        <input className="f-input" value={place} onChange={(e) => setPlace(e.target.value)} placeholder={t('patrol.placeHint')} maxLength={100} data-testid="checkin-place" />
      </label>
      <label className="f-field">
        <span>{t('patrol.note')}</span>
        <input className="f-input" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </label>
      {problem ? <p className="f-error">{problem}</p> : null}
      <button type="button" className="f-btn f-btn-secondary f-btn-block" onClick={() => void submit()} data-testid="checkin-submit">
        {t('patrol.checkinSubmit')}
      </button>
    </section>
  );
}

function Visit({ fix }: { fix: Fix | null }) {
  const { t } = useTranslation();
  const { outbox } = useRuntime();
  const online = useOnline();
  const [date, setDate] = useState(() => cstDateKey(Date.now()));
  const [household, setHousehold] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    if (!household.trim()) return setProblem(t('patrol.needHousehold'));
    setProblem(null);
    await outbox.add(`${t('outbox.kind.visit')}：${household.trim()}`, {
      kind: 'visit',
      body: {
        date,
        household: household.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(fix ? { lon: Math.round(fix.lon * 1e6) / 1e6, lat: Math.round(fix.lat * 1e6) / 1e6 } : {}),
      },
    });
    sendSoon(outbox);
    toast(online ? t('patrol.visitSaved') : t('report.saved'));
    setHousehold('');
    setNote('');
  };
  return (
    <section className="f-card" data-testid="visit">
      <h2>{t('patrol.visit')}</h2>
      <div className="f-row">
        <label className="f-field f-grow">
          <span>{t('patrol.date')}</span>
          <input className="f-input" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </label>
      </div>
      <label className="f-field">
        <span>{t('patrol.household')}</span>
        <input className="f-input" value={household} onChange={(e) => setHousehold(e.target.value)} placeholder={t('patrol.householdHint')} maxLength={100} data-testid="visit-household" />
      </label>
      <label className="f-field">
        <span>{t('patrol.visitNote')}</span>
        <textarea rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </label>
      {problem ? <p className="f-error">{problem}</p> : null}
      <button type="button" className="f-btn f-btn-secondary f-btn-block" onClick={() => void submit()} data-testid="visit-submit">
        {t('patrol.visitSubmit')}
      </button>
    </section>
  );
}
