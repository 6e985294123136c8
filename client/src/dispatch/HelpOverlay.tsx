import { useTranslation } from 'react-i18next';

const KEYS: [string, string][] = [
  ['f', 'f'],
  ['d', 'd'],
  ['n', 'n'],
  ['p', 'p'],
  ['j', 'j'],
  ['/', 'slash'],
  ['Esc', 'esc'],
  ['?', 'question'],
];

export function HelpOverlay({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <div className="help" role="dialog" aria-modal="true" onClick={onClose} data-testid="help">
      <div className="help__card" onClick={(e) => e.stopPropagation()}>
        <h2>{t('dispatch.help.title')}</h2>
        <dl>
          {KEYS.map(([k, label]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{t(`dispatch.help.${label}`)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
