/** After a report or a follow: the tracking code, big and in two groups of five, to copy or open; the expected date. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicReceipt } from '@gridcommand/shared/schemas';
import { formatTrackingCode } from '@gridcommand/shared/domain';
import { formatDateTime } from '../i18n.ts';
import { navigate, trackHref } from '../route.ts';

export function Receipt({ receipt, onAgain }: { receipt: PublicReceipt; onAgain: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const display = receipt.trackingCodeDisplay || formatTrackingCode(receipt.trackingCode);
  const [a, b] = display.split('-');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(display);
    } catch {
      // no clipboard permission: select the code so that the phone's own copy works
      const el = document.querySelector('[data-testid="receipt-code"]');
      if (el) window.getSelection()?.selectAllChildren(el);
    }
    setCopied(true);
  };
  return (
    <section className="c-card c-receipt" data-testid="receipt" data-followed={String(receipt.followed)}>
      <div className="c-check" aria-hidden="true">
        <svg viewBox="0 0 24 24"><path d="M5 12.5l4.5 4.5L19 7.5" /></svg>
      </div>
      <h1>{receipt.followed ? t('receipt.followed') : t('receipt.title')}</h1>
      <p className="c-label">{t('receipt.code')}</p>
      <p className="c-code" data-testid="receipt-code" aria-label={display.split('').join(' ')}>
        <span>{a}</span>
        <span className="c-code-dash">-</span>
        <span>{b}</span>
      </p>
      <p className="c-muted">{t('receipt.codeHint')}</p>
      {receipt.expectedBy ? (
        <p className="c-expected" data-testid="receipt-expected">
          {t('receipt.expected', { date: formatDateTime(receipt.expectedBy) })}
        </p>
      ) : null}
      <div className="c-stack">
        <button type="button" className="c-btn c-btn-secondary" onClick={() => void copy()} data-testid="receipt-copy">
          {copied ? t('receipt.copied') : t('receipt.copy')}
        </button>
        <a
          className="c-btn c-btn-primary"
          href={trackHref(receipt.trackingCode)}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/track/${receipt.trackingCode}`);
          }}
          data-testid="receipt-track"
        >
          {t('receipt.track')}
        </a>
        <button type="button" className="c-btn c-btn-ghost" onClick={onAgain}>
          {t('receipt.again')}
        </button>
      </div>
      <p className="c-muted c-small">{t('receipt.caseCode', { code: receipt.caseCode })}</p>
    </section>
  );
}
