/** The desk's right panel while nothing is selected: what to do and the main shortcuts. */
import { useTranslation } from 'react-i18next';

const KEYS = [
  ['j', 'dispatch.help.j'],
  ['n', 'dispatch.help.n'],
  ['p', 'dispatch.help.p'],
  ['?', 'dispatch.help.question'],
] as const;

export function DeskEmpty() {
  const { t } = useTranslation();
  return (
    <section className="dpanel dempty">
      <h2>{t('dispatch.title')}</h2>
      <p>{t('dispatch.emptyHint')}</p>
      <ul className="dempty__keys">
        {KEYS.map(([k, label]) => (
          <li key={k}>
            <kbd>{k}</kbd> {t(label)}
          </li>
        ))}
      </ul>
    </section>
  );
}
