/**
 * Download links for the server's exports (docs/exports.md): plain anchors, so the browser downloads the file with
 * the session cookie and the current filters in the query; after a click the link says so for a few seconds.
 * Labels zh-CN first with English, added to the one i18n namespace here.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/index.ts';
import './exports.css';

i18n.addResourceBundle(
  'zh-CN',
  'translation',
  { exports: { label: '导出', started: '正在下载…', csv: 'CSV', xlsx: 'Excel', geojson: 'GeoJSON', register: '导出台账', grids: '导出网格', title: '下载 {{what}}（{{format}}）' } },
  true,
  false,
);
i18n.addResourceBundle(
  'en',
  'translation',
  { exports: { label: 'Export', started: 'Downloading…', csv: 'CSV', xlsx: 'Excel', geojson: 'GeoJSON', register: 'Export register', grids: 'Export grids', title: 'Download {{what}} ({{format}})' } },
  true,
  false,
);

export type ExportFormat = 'csv' | 'xlsx' | 'geojson';

/** `/api/register` + `.csv` + the query without empty values */
export function exportHref(base: string, format: ExportFormat, query: Record<string, string | number | boolean | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `${base}.${format}${s ? `?${s}` : ''}`;
}

export function ExportLinks(props: {
  /** the export's path without the extension, e.g. /api/register */
  base: string;
  formats: ExportFormat[];
  query?: Record<string, string | number | boolean | null | undefined>;
  /** the group's label key under exports.* (register, grids) */
  what: 'register' | 'grids';
  className?: string;
}) {
  const { t } = useTranslation();
  const [started, setStarted] = useState<ExportFormat | null>(null);
  useEffect(() => {
    if (!started) return;
    const timer = setTimeout(() => setStarted(null), 4000);
    return () => clearTimeout(timer);
  }, [started]);
  const what = t(`exports.${props.what}`);
  return (
    <span className={`exports ${props.className ?? ''}`} role="group" aria-label={what} data-testid={`export-${props.what}`}>
      <span className="exports__label">{what}</span>
      {props.formats.map((f) => (
        <a
          key={f}
          className="btn btn--sm"
          href={exportHref(props.base, f, props.query)}
          download
          title={t('exports.title', { what, format: t(`exports.${f}`) })}
          aria-busy={started === f}
          onClick={() => setStarted(f)}
          data-testid={`export-${props.what}-${f}`}
        >
          {started === f ? t('exports.started') : t(`exports.${f}`)}
        </a>
      ))}
    </span>
  );
}
