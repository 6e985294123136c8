/**
 * One line of the case card: the specialist grid(s) whose layer covers the case's category and that contain its grid,
 * each with its responsible officer (and phone, for the roles the server shows it to). Nothing when none applies.
 */
import { useTranslation } from 'react-i18next';
import { useCaseSpecialist } from '../specialist/api.ts';
import '../specialist/i18n.ts';
import '../specialist/specialist.css';

export function SpecialistLine({ caseId }: { caseId: number }) {
  const { t, i18n } = useTranslation();
  const q = useCaseSpecialist(caseId);
  const items = q.data?.items ?? [];
  if (items.length === 0) return null;
  const zh = i18n.language === 'zh-CN';
  return (
    <>
      <dt>{t('specialist.caseLine')}</dt>
      <dd className="spline" data-testid="specialist-line">
        {items.map((s) => (
          <span key={s.code} className="spline__item" title={zh ? s.layerName : s.layerNameEn}>
            <i className="spline__dot" style={{ background: s.color }} />
            <span>{s.name}</span>
            {s.officer ? (
              <span className="muted">
                {s.officer.title} {s.officer.name}
                {s.officer.phone ? <span className="mono"> {s.officer.phone}</span> : null}
              </span>
            ) : null}
          </span>
        ))}
      </dd>
    </>
  );
}
