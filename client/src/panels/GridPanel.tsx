import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useGrid } from '../api/queries.ts';
import { ApiError } from '../api/http.ts';
import type { GridProperties, GridStaff, StaffRef } from '../api/types.ts';
import { BaseDataSection } from '../specialist/BaseDataSection.tsx';

const KNOWN_ROLES = new Set([
  'grid_worker',
  'community_police',
  'city_management',
  'safety_inspector',
  'building_head',
  'property_manager',
  'volunteer',
]);

function useRoleLabel() {
  const { t } = useTranslation();
  return (role: string) => (KNOWN_ROLES.has(role) ? t(`roles.${role}` as 'roles.grid_worker') : t('roles.unknown'));
}

function initials(name: string): string {
  return Array.from(name.trim())[0] ?? '?';
}

export interface GridPanelProps {
  code: string;
  /** what the grid list already knows, shown while the details load */
  summary: GridProperties | undefined;
  onClose(): void;
}

/** Right-hand profile of one grid: codes, parents, people and the staff roster. */
export function GridPanel({ code, summary, onClose }: GridPanelProps) {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const detail = useGrid(code);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const d = detail.data;
  const fmt = (n: number | undefined | null, digits = 0) =>
    n === undefined || n === null || !Number.isFinite(n) ? '—' : n.toLocaleString(i18n.language, { maximumFractionDigits: digits });

  const displayCode = d?.displayCode ?? summary?.displayCode ?? '';
  const name = d?.name ?? summary?.name ?? '';
  const community = d?.community.name ?? summary?.communityName;
  const zone = d?.zone.name ?? summary?.zoneName;
  const street = d?.street.name ?? summary?.streetName;
  const vacancy = d ? d.vacancy || d.responsible === null : (summary?.vacancy ?? false);
  const staff: GridStaff[] = d?.staff ?? [];
  const responsible: StaffRef | null = d?.responsible ?? null;

  return (
    <aside className="panel card" data-testid="grid-panel" data-grid-code={code} aria-label={t('panel.title')}>
      <header className="panel__head">
        <div className="panel__eyebrow">{t('panel.title')}</div>
        <div className="panel__titleRow">
          <span className="panel__badge">{displayCode || '—'}</span>
          <h2 className="panel__title">{name || code}</h2>
        </div>
        <div className="panel__code" title={t('panel.gridCode')}>
          <span className="panel__codeLabel">{t('panel.gridCode')}</span>
          <span className="mono">{code}</span>
        </div>
        <button ref={closeRef} type="button" className="panel__close" onClick={onClose} aria-label={t('panel.close')} title={t('panel.closeHint')}>
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M3.5 3.5l9 9M12.5 3.5l-9 9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
      </header>

      {vacancy ? (
        <div className="alert alert--warn" role="alert" data-testid="grid-vacancy">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <path d="M10 2.5l8 14H2z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
            <path d="M10 8v4" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
            <circle cx="10" cy="14.3" r="1" fill="currentColor" />
          </svg>
          <div>
            <div className="alert__title">{t('panel.vacancy')}</div>
            <div className="alert__text">{t('panel.vacancyDetail')}</div>
          </div>
        </div>
      ) : null}

      <section className="panel__section">
        <dl className="kv">
          <div>
            <dt>{t('panel.displayCode')}</dt>
            <dd className="mono">{displayCode || '—'}</dd>
          </div>
          <div>
            <dt>{t('panel.community')}</dt>
            <dd>{community ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('panel.zone')}</dt>
            <dd>{zone ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('panel.street')}</dt>
            <dd>{street ?? '—'}</dd>
          </div>
        </dl>
      </section>

      <section className="panel__section metrics">
        <div className="metric">
          <div className="metric__value">
            {fmt(d?.population ?? summary?.population)}
            <small>{t('panel.people')}</small>
          </div>
          <div className="metric__label">{t('panel.population')}</div>
        </div>
        <div className="metric">
          <div className="metric__value">
            {fmt(d?.households ?? summary?.households)}
            <small>{t('panel.householdUnit')}</small>
          </div>
          <div className="metric__label">{t('panel.households')}</div>
        </div>
        <div className="metric">
          <div className="metric__value">
            {fmt(d?.areaKm2, 2)}
            <small>{t('panel.areaUnit')}</small>
          </div>
          <div className="metric__label">{t('panel.area')}</div>
        </div>
      </section>

      <BaseDataSection code={code} />

      <section className="panel__section">
        <div className="section__title">{t('panel.responsible')}</div>
        {d ? (
          responsible ? (
            <div className="person person--lead" data-testid="grid-responsible">
              <span className="avatar">{initials(responsible.name)}</span>
              <div className="person__main">
                <div className="person__name">{responsible.name}</div>
                <div className="person__role">{roleLabel(responsible.role)}</div>
              </div>
              <span className="mono person__phone">{responsible.phoneMasked}</span>
            </div>
          ) : (
            <div className="muted">{t('panel.none')}</div>
          )
        ) : null}
        {detail.isPending ? <div className="muted">{t('panel.loading')}</div> : null}
      </section>

      <section className="panel__section panel__section--grow">
        <div className="section__title">
          {t('panel.staff')}
          {d ? <span className="count">{t('panel.staffCount', { count: staff.length })}</span> : null}
        </div>
        {detail.isError ? (
          <div className="muted error-text">
            {t('panel.loadFailed')}
            {detail.error instanceof ApiError ? ` · ${detail.error.message}` : ''}
          </div>
        ) : null}
        {d && staff.length === 0 ? <div className="muted">{t('panel.staffEmpty')}</div> : null}
        <ul className="roster" data-testid="grid-staff">
          {staff.map((p) => (
            <li key={p.id} className={`person${p.responsible ? ' person--lead' : ''}`}>
              <span className="avatar">{initials(p.name)}</span>
              <div className="person__main">
                <div className="person__name">
                  {p.name}
                  {p.responsible ? <span className="tag">{t('panel.responsibleBadge')}</span> : null}
                </div>
                <div className="person__role">{roleLabel(p.role)}</div>
              </div>
              <span className="mono person__phone">{p.phoneMasked}</span>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
