/**
 * /report: where (GPS, a pick on the map, or a photo's position), what (in plain words), a description, up to three
 * photos, and an optional name and phone (never shown publicly). Open cases of the same kind close by are offered
 * first ("是不是这些？"), to follow instead of reporting twice. Then the receipt with the tracking code.
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, PublicReceipt, PublicReportBody } from '@gridcommand/shared/schemas';
import { ApiError } from '../../api/http.ts';
import { choosePosition, type LonLat } from '../../field/position.ts';
import { errorText, followCase, idempotency, rememberReport, submitReport, uploadPhoto, deviceId, useLocate, useNearby } from '../api.ts';
import { CategoryChooser, isEmergency } from '../ui/Categories.tsx';
import { NearbyCases } from '../ui/Nearby.tsx';
import { Photos, MAX_PHOTOS, type CitizenPhoto } from '../ui/Photos.tsx';
import { Place, useGps } from '../ui/Place.tsx';
import { Receipt } from './Receipt.tsx';

const PHONE = /^\+?[0-9][0-9 -]{5,18}[0-9]$/;

export function ReportScreen() {
  const { t } = useTranslation();
  const gps = useGps();
  const [picked, setPicked] = useState<LonLat | null>(null);
  const [photos, setPhotos] = useState<CitizenPhoto[]>([]);
  const [category, setCategory] = useState<Category | null>(null);
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  /** what the submit button says while sending */
  const [busy, setBusy] = useState<string | null>(null);
  /** the case being followed */
  const [following, setFollowing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<PublicReceipt | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const keys = useRef({ report: idempotency(), follow: idempotency() });

  const exif = photos.find((p) => p.gps)?.gps ?? null;
  const position = useMemo(() => choosePosition({ picked, gps: gps.fix, exif }), [picked, gps.fix, exif]);
  const point = useMemo(() => (position ? { lon: position.lon, lat: position.lat } : null), [position]);
  const located = useLocate(point);
  const outside = located.error instanceof ApiError && located.error.code === 'OUTSIDE_DISTRICT';
  const nearby = useNearby(outside ? null : point, category?.code ?? null);
  const nearbyKey = `${point?.lon},${point?.lat},${category?.code}`;
  const phoneBad = phone.trim() !== '' && !PHONE.test(phone.trim());

  /** uploads the photos not yet uploaded (kept, so that a retry does not send them again) */
  const uploaded = async (): Promise<string[]> => {
    const ids: string[] = [];
    let list = photos;
    for (const [i, p] of list.entries()) {
      if (p.id) {
        ids.push(p.id);
        continue;
      }
      setBusy(t('submit.uploading', { i: i + 1, n: list.length }));
      const r = await uploadPhoto(p.blob);
      list = list.map((x) => (x.key === p.key ? { ...x, id: r.id } : x));
      setPhotos(list);
      ids.push(r.id);
    }
    return [...new Set(ids)];
  };

  const done = (r: PublicReceipt) => {
    rememberReport(r);
    setReceipt(r);
    window.scrollTo(0, 0);
  };

  const follow = async (caseCode: string) => {
    if (busy || following) return;
    setError(null);
    setFollowing(caseCode);
    try {
      const ids = await uploaded();
      const body = { deviceId: deviceId(), ...(ids.length ? { photos: ids } : {}), ...(phone.trim() && !phoneBad ? { phone: phone.trim() } : {}) };
      done(await followCase(caseCode, body, keys.current.follow({ caseCode, ...body })));
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(null);
      setFollowing(null);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || following) return;
    setError(null);
    const missing = !position ? t('submit.needPlace') : outside ? t('submit.outside') : !category ? t('submit.needCategory') : !description.trim() ? t('submit.needText') : phoneBad ? t('contact.badPhone') : null;
    if (missing || !position || !category) {
      setError(missing);
      return;
    }
    setBusy(t('submit.busy'));
    try {
      const ids = await uploaded();
      setBusy(t('submit.busy'));
      const body: PublicReportBody = {
        categoryCode: category.code,
        lon: position.lon,
        lat: position.lat,
        ...(position.accuracyM !== undefined ? { accuracyM: position.accuracyM } : {}),
        ...(position.source ? { locationSource: position.source } : {}),
        description: description.trim(),
        ...(address.trim() ? { address: address.trim() } : {}),
        ...(ids.length ? { photos: ids } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        deviceId: deviceId(),
      };
      done(await submitReport(body, keys.current.report(body)));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  const again = () => {
    keys.current = { report: idempotency(), follow: idempotency() };
    setReceipt(null);
    setPhotos([]);
    setCategory(null);
    setDescription('');
    setAddress('');
    setDismissed(null);
  };

  if (receipt) return <Receipt receipt={receipt} onAgain={again} />;
  const showNearby = nearby.data && nearby.data.items.length > 0 && dismissed !== nearbyKey;
  return (
    <form className="c-form" onSubmit={(e) => void submit(e)} noValidate data-testid="report-form">
      <section className="c-card">
        <h2><span className="c-num">1</span>{t('place.title')}</h2>
        <Place position={position} gps={gps} located={located} onPick={setPicked} />
        <label className="c-field">
          <span className="c-label">{t('place.address')}</span>
          <input className="c-input" value={address} maxLength={200} placeholder={t('place.addressHint')} onChange={(e) => setAddress(e.target.value)} data-testid="address" />
        </label>
      </section>

      <section className="c-card">
        <h2><span className="c-num">2</span>{t('category.title')}</h2>
        <CategoryChooser value={category} onChange={setCategory} />
        {isEmergency(category) ? <p className="c-status c-bad" role="alert">{t('category.emergency')}</p> : null}
      </section>

      {showNearby ? <NearbyCases nearby={nearby.data!} busy={following ?? (busy ? '' : null)} onFollow={(c) => void follow(c)} onDismiss={() => setDismissed(nearbyKey)} /> : null}

      <section className="c-card">
        <h2><span className="c-num">3</span>{t('describe.title')}</h2>
        <textarea
          className="c-input c-textarea"
          rows={4}
          maxLength={2000}
          value={description}
          placeholder={t('describe.placeholder')}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="description"
        />
        <h3 className="c-sub">{t('photos.title', { max: MAX_PHOTOS })}</h3>
        <Photos photos={photos} onChange={setPhotos} />
        <p className="c-muted c-small">{t('photos.hint')}</p>
      </section>

      <section className="c-card">
        <h2><span className="c-num">4</span>{t('contact.title')}</h2>
        <p className="c-privacy" data-testid="privacy">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V5z" /></svg>
          {t('contact.note')}
        </p>
        <div className="c-row">
          <label className="c-field">
            <span className="c-label">{t('contact.name')}</span>
            <input className="c-input" value={name} maxLength={40} autoComplete="name" onChange={(e) => setName(e.target.value)} data-testid="name" />
          </label>
          <label className="c-field">
            <span className="c-label">{t('contact.phone')}</span>
            <input className="c-input" value={phone} type="tel" inputMode="tel" autoComplete="tel" aria-invalid={phoneBad} onChange={(e) => setPhone(e.target.value)} data-testid="phone" />
          </label>
        </div>
        {phoneBad ? <p className="c-status c-bad">{t('contact.badPhone')}</p> : null}
      </section>

      <div className="c-submit">
        {error ? (
          <p className="c-status c-bad" role="alert" data-testid="report-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="c-btn c-btn-primary c-btn-lg" disabled={busy !== null || following !== null || outside} data-testid="submit">
          {busy && !following ? busy : t('submit.go')}
        </button>
      </div>
    </form>
  );
}
