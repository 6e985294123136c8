/**
 * 上报 in under half a minute: where (GPS with its accuracy, a tap on the map, or a photo's EXIF), what (category
 * with search and recent choices), a few words, up to six photos; 举手之劳 asks for before and after photos. Before
 * sending, open cases of the same category close by are offered instead ("是不是这些？"). Everything goes to the
 * outbox first, so a report made in a cellar is sent when the connection comes back.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, FieldMe } from '@gridcommand/shared/schemas';
import { useNearby } from '../api.ts';
import { useGeo } from '../geo.ts';
import { choosePosition, type LonLat } from '../position.ts';
import { go } from '../route.ts';
import { sendSoon, useOnline, useRuntime } from '../runtime.tsx';
import { CategoryPicker, categoryName, rememberCategory } from '../ui/CategoryPicker.tsx';
import { GridMap } from '../ui/GridMap.tsx';
import { NearbyCases } from '../ui/Nearby.tsx';
import { PhotoPicker, photoMap, type PickedPhoto } from '../ui/PhotoPicker.tsx';
import { toast } from '../ui/toast.tsx';

const TITLE_MAX = 40;

export default function ReportScreen({ me }: { me: FieldMe }) {
  const { t } = useTranslation();
  const { outbox } = useRuntime();
  const online = useOnline();
  const geo = useGeo(true);
  const [picked, setPicked] = useState<LonLat | null>(null);
  const [category, setCategory] = useState<Category | null>(null);
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [fixed, setFixed] = useState(false);
  const [after, setAfter] = useState<PickedPhoto[]>([]);
  const [fixNote, setFixNote] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const exif = photos.find((p) => p.gps)?.gps ?? null;
  const position = choosePosition({ picked, gps: geo.fix, exif });
  const point = position ? { lon: position.lon, lat: position.lat } : null;
  const nearby = useNearby(point, category?.code ?? null, online);

  const where =
    position?.source === 'map' ? t('report.picked')
    : position?.source === 'exif' ? t('report.exif')
    : position?.source === 'gps' ? t('report.gps', { m: position.accuracyM ?? '?' })
    : geo.problem === 'denied' ? t('report.gpsDenied')
    : geo.problem ? t('report.gpsNone')
    : t('report.gpsWaiting');

  const check = (): string | null => {
    if (!position) return t('report.need.position');
    if (!category) return t('report.need.category');
    if (fixed && photos.length === 0) return t('report.need.photoBefore');
    if (fixed && after.length === 0) return t('report.need.photoAfter');
    if (!description.trim() && photos.length === 0) return t('report.need.description');
    return null;
  };

  const reset = () => {
    setPhotos([]);
    setAfter([]);
    setDescription('');
    setFixNote('');
    setFixed(false);
    setPicked(null);
  };

  const submit = async () => {
    const why = check();
    setProblem(why);
    if (why || !position || !category) return;
    setBusy(true);
    try {
      const name = categoryName(category);
      const text = description.trim();
      const { lon, lat, ...how } = position;
      await outbox.add(
        `${name}${text ? `：${text.slice(0, 20)}` : ''}`,
        {
          kind: 'report',
          body: {
            categoryCode: category.code,
            priority: urgent ? 'urgent' : 'normal',
            lon,
            lat,
            title: (text ? text.split(/\n/)[0]!.slice(0, TITLE_MAX) : name) || name,
            description: text,
            source: 'grid_worker',
            position: how,
          },
          photos: photos.map((p) => p.id),
          ...(fixed ? { fixedOnSpot: { afterPhotos: after.map((p) => p.id), ...(fixNote.trim() ? { note: fixNote.trim() } : {}) } } : {}),
        },
        photoMap(photos, after),
      );
      rememberCategory(category.code);
      sendSoon(outbox);
      toast(online ? t('report.sent') : t('report.saved'));
      reset();
      go({ name: 'today' }, true);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  const attach = async (caseId: number, caseCode: string) => {
    setBusy(true);
    try {
      await outbox.add(`${caseCode}`, { kind: 'attach', caseId, caseCode, photos: photos.map((p) => p.id) }, photoMap(photos));
      sendSoon(outbox);
      toast(t('report.attached', { code: caseCode }));
      reset();
      go({ name: 'today' }, true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="f-screen" data-testid="screen-report">
      <section className="f-card f-card-flush">
        <div className="f-card-head">
          <h2>{t('report.where')}</h2>
          <span className={`f-pos f-pos-${position?.source ?? 'none'}`} data-testid="report-position" data-source={position?.source ?? ''}>
            {where}
          </span>
        </div>
        <GridMap grids={me.grids} bbox={me.bbox} me={geo.fix} pin={position} focus={position} onPick={setPicked} height={200} testId="report-map" />
        <div className="f-card-foot">
          <span className="f-muted">{t('report.pickHint')}</span>
          {picked && geo.fix ? (
            <button type="button" className="f-btn f-btn-ghost" onClick={() => setPicked(null)}>
              {t('report.useGps')}
            </button>
          ) : null}
        </div>
      </section>

      <section className="f-card">
        <span className="f-label">{t('report.category')}</span>
        <CategoryPicker value={category} onChange={setCategory} />
      </section>

      {nearby.data ? <NearbyCases items={nearby.data.items} canAttach={photos.length > 0 && !busy} onAttach={(id, code) => void attach(id, code)} /> : null}

      <section className="f-card">
        <label className="f-field">
          <span>{t('report.description')}</span>
          <textarea
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            placeholder={t('report.descriptionHint')}
            maxLength={4000}
            data-testid="report-description"
          />
        </label>
        <PhotoPicker photos={photos} onChange={setPhotos} label={fixed ? t('report.before') : t('report.photos', { max: 6 })} testId="report-photos" />
        <label className="f-switch">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />
          <span>{t('report.priority')}</span>
        </label>
        <label className="f-switch" data-testid="report-fixed">
          <input type="checkbox" checked={fixed} onChange={(e) => setFixed(e.target.checked)} />
          <span>
            {t('report.fixed')}
            <small>{t('report.fixedHint')}</small>
          </span>
        </label>
        {fixed ? (
          <>
            <PhotoPicker photos={after} onChange={setAfter} label={t('report.after')} testId="report-after" />
            <label className="f-field">
              <span>{t('report.fixedNote')}</span>
              <input className="f-input" value={fixNote} onChange={(e) => setFixNote(e.target.value)} maxLength={2000} />
            </label>
          </>
        ) : null}
      </section>

      {problem ? (
        <p className="f-error" role="alert" data-testid="report-problem">
          {problem}
        </p>
      ) : null}
      <button type="button" className="f-btn f-btn-primary f-btn-block f-btn-big" disabled={busy} onClick={() => void submit()} data-testid="report-submit">
        {fixed ? t('report.submitFixed') : t('report.submit')}
      </button>
    </div>
  );
}
