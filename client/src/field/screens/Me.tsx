/** 我的: who is signed in on this phone, my grids, the language, and signing out. */
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { FieldMe } from '@gridcommand/shared/schemas';
import { keys } from '../../api/keys.ts';
import { signOut } from '../api.ts';
import { deviceNameFromUA } from '../device.ts';
import { clearKept } from '../offline/persist.ts';
import { go } from '../route.ts';
import { useOutbox, useRuntime } from '../runtime.tsx';
import './score-i18n.ts';
import './score.css';

export default function MeScreen({ me }: { me: FieldMe }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { db, outbox } = useRuntime();
  const box = useOutbox();
  const grids = me.grids.features.map((f) => (f as { properties?: { code?: string; name?: string; displayCode?: string } }).properties ?? {});

  const logout = async () => {
    const waiting = box.pending + box.failed;
    if (waiting > 0 && !window.confirm(t('me.logoutPending', { n: waiting }))) return;
    await signOut();
    await clearKept(db);
    await outbox.setUser(null);
    go({ name: 'today' }, true);
    // asking "who am I" again gets the sign-in screen; then nothing of this worker stays in memory
    await qc.resetQueries({ queryKey: keys.field.me() });
    const meKey = JSON.stringify(keys.field.me());
    qc.removeQueries({ predicate: (q) => JSON.stringify(q.queryKey) !== meKey });
  };

  return (
    <div className="f-screen" data-testid="screen-me">
      <section className="f-card f-me">
        <div className="f-avatar" aria-hidden="true">{me.user.displayName.replace(/^网格员\s*/, '').slice(0, 1)}</div>
        <div>
          <h2 data-testid="me-name">{me.user.displayName}</h2>
          <span className="f-muted">
            {t('me.role')} · {me.user.username}
          </span>
        </div>
      </section>
      <a className="f-card f-score-link" href="#/score" data-testid="me-score">
        <span>
          <strong>{t('score.open')}</strong>
          <br />
          <span className="f-muted">{t('score.openHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </a>
      <section className="f-card">
        <h2>{t('me.grids')}</h2>
        <ul className="f-plain">
          {grids.map((g) => (
            <li key={g.code}>
              <strong>{g.displayCode ?? g.code}</strong> <span className="f-muted">{g.name}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="f-card">
        <h2>{t('me.language')}</h2>
        <div className="f-row">
          {(['zh-CN', 'en'] as const).map((lng) => (
            <button key={lng} type="button" className={`f-btn f-grow ${i18n.language === lng ? 'f-btn-primary' : 'f-btn-secondary'}`} onClick={() => void i18n.changeLanguage(lng)}>
              {lng === 'zh-CN' ? '中文' : 'English'}
            </button>
          ))}
        </div>
      </section>
      <section className="f-card">
        <p className="f-muted">
          {t('me.device')}: {deviceNameFromUA(navigator.userAgent)} · {t('me.version')}
        </p>
        <button type="button" className="f-btn f-btn-danger f-btn-block" onClick={() => void logout()} data-testid="logout">
          {t('me.logout')}
        </button>
      </section>
    </div>
  );
}
