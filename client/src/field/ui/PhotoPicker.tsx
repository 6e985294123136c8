/**
 * Photos from the camera (input type=file, capture=environment): scaled down for a bad network, with the GPS
 * position the camera wrote into them read first (used when the phone gives no fix). Kept as Blobs until the
 * outbox takes them.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PHOTOS } from '@gridcommand/shared/schemas';
import { uuid } from '../offline/uuid.ts';
import { photoForUpload } from '../photo-file.ts';
import { photoGps, type LonLat } from '../position.ts';

export interface PickedPhoto {
  id: string;
  blob: Blob;
  url: string;
  gps: LonLat | null;
}

export async function pickedPhoto(file: File): Promise<PickedPhoto> {
  const gps = await photoGps(file);
  const blob = await photoForUpload(file);
  return { id: uuid(), blob, url: URL.createObjectURL(blob), gps };
}

interface Props {
  photos: readonly PickedPhoto[];
  onChange: (photos: PickedPhoto[]) => void;
  max?: number;
  label: string;
  testId: string;
}

export function PhotoPicker({ photos, onChange, max = MAX_PHOTOS, label, testId }: Props) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement | null>(null);
  const latest = useRef(photos);
  latest.current = photos;
  // the object URLs go with the screen
  useEffect(() => () => latest.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const add = async (files: FileList | null) => {
    if (!files) return;
    const room = max - latest.current.length;
    const picked = await Promise.all([...files].slice(0, Math.max(0, room)).map(pickedPhoto));
    onChange([...latest.current, ...picked]);
    if (input.current) input.current.value = '';
  };

  return (
    <div className="f-photos" data-testid={testId} data-count={photos.length}>
      <span className="f-label">{label}</span>
      <div className="f-photo-row">
        {photos.map((p) => (
          <figure key={p.id} className="f-photo">
            <img src={p.url} alt="" />
            <button
              type="button"
              className="f-photo-x"
              aria-label={t('report.removePhoto')}
              onClick={() => {
                URL.revokeObjectURL(p.url);
                onChange(latest.current.filter((x) => x.id !== p.id));
              }}
            >
              ×
            </button>
          </figure>
        ))}
        {photos.length < max ? (
          <label className="f-photo-add">
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 8h3l2-3h6l2 3h3v11H4z M12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z" />
            </svg>
            <span>{t('report.addPhoto')}</span>
            <input
              ref={input}
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              onChange={(e) => void add(e.target.files)}
              data-testid={`${testId}-input`}
            />
          </label>
        ) : null}
      </div>
    </div>
  );
}

export const photoMap = (...lists: (readonly PickedPhoto[])[]) => new Map(lists.flat().map((p) => [p.id, p.blob] as const));
