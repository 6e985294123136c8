/**
 * Up to three photos from the camera or the album: big camera pictures scaled down before upload, the GPS the
 * camera wrote into them read from the original first (the place when the phone gives no position).
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MAX_PUBLIC_PHOTOS } from '@gridcommand/shared/schemas';
import { photoForUpload } from '../../field/photo-file.ts';
import { photoGps, type LonLat } from '../../field/position.ts';

/** MAX_PUBLIC_PHOTOS of the contract, checked by the compiler (the schemas module itself stays out of this page). */
export const MAX_PHOTOS: typeof MAX_PUBLIC_PHOTOS = 3;

export interface CitizenPhoto {
  key: string;
  blob: Blob;
  url: string;
  gps: LonLat | null;
  /** once uploaded */
  id?: string;
}

let n = 0;
async function picked(file: File): Promise<CitizenPhoto> {
  const gps = await photoGps(file);
  const blob = await photoForUpload(file);
  return { key: `p${++n}`, blob, url: URL.createObjectURL(blob), gps };
}

export function Photos({ photos, onChange }: { photos: readonly CitizenPhoto[]; onChange: (p: CitizenPhoto[]) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement | null>(null);
  const latest = useRef(photos);
  latest.current = photos;
  useEffect(() => () => latest.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const add = async (files: FileList | null) => {
    if (!files) return;
    const room = MAX_PHOTOS - latest.current.length;
    const more = await Promise.all([...files].slice(0, Math.max(0, room)).map(picked));
    onChange([...latest.current, ...more]);
    if (input.current) input.current.value = '';
  };

  return (
    <div className="c-photos" data-testid="photos" data-count={photos.length}>
      {photos.map((p) => (
        <figure key={p.key} className="c-photo">
          <img src={p.url} alt="" />
          <button
            type="button"
            className="c-photo-x"
            aria-label={t('photos.remove')}
            onClick={() => {
              URL.revokeObjectURL(p.url);
              onChange(latest.current.filter((x) => x.key !== p.key));
            }}
          >
            ×
          </button>
        </figure>
      ))}
      {photos.length < MAX_PHOTOS ? (
        <label className="c-photo-add">
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 8h3l2-3h6l2 3h3v11H4z M12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z" />
          </svg>
          <span>{t('photos.add')}</span>
          <input ref={input} type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => void add(e.target.files)} data-testid="photo-input" />
        </label>
      ) : null}
    </div>
  );
}
