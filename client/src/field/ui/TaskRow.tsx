/** One task in a list: its light, title, where, and the time left before it goes overdue. */
import { useTranslation } from 'react-i18next';
import type { Case } from '@gridcommand/shared/schemas';
import { hrefOf } from '../route.ts';
import { lightLabel, stateLabel, timeLeft } from './format.ts';

export function TaskRow({ c, waiting }: { c: Case; waiting: boolean }) {
  const { t } = useTranslation();
  const left = timeLeft(t, c.resolveBy);
  return (
    <li>
      <a className="f-task" href={hrefOf({ name: 'task', id: c.id })} data-testid={`task-${c.id}`} data-light={c.light}>
        <span className={`f-light f-light-${c.light}`} title={lightLabel(c.light)} aria-label={lightLabel(c.light)} />
        <span className="f-task-body">
          <strong>{c.title}</strong>
          <span className="f-task-meta">
            {c.categoryName} · {stateLabel(c.status)}
            {c.address ? ` · ${c.address}` : ''}
          </span>
        </span>
        <span className={`f-task-left ${left.over ? 'f-over' : ''}`}>
          {waiting ? <em className="f-chip f-chip-wait">{t('outbox.pending')}</em> : left.text}
        </span>
      </a>
    </li>
  );
}
