import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch } from '../api/http.ts';
import { navigate } from '../router.tsx';
import { LANGUAGES, setLanguage } from '../i18n/index.ts';
import '../dispatch/i18n.ts';
import '../dispatch/dispatch.css';

/** Where to go after logging in: a same-site path only (`/login?next=/dispatch`). */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || raw.startsWith('/login')) return '/';
  return raw;
}

/** The login page for every role, at /login?next=… */
export function LoginPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(new URLSearchParams(window.location.search).get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiFetch('/api/auth/login', { method: 'POST', body: { username: username.trim(), password } });
      queryClient.clear();
      navigate(next, true);
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 429) setError(t('login.rateLimited'));
      else if (err instanceof ApiError && err.isNetwork) setError(t('login.network'));
      else if (err instanceof ApiError && err.statusCode < 500) setError(t('login.failed'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="gcd login">
      <div className="login__grid" aria-hidden="true" />
      <form className="login__card" onSubmit={submit} data-testid="login-form">
        <div className="login__brand">
          <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect x="1" y="1" width="30" height="30" rx="7" fill="none" stroke="currentColor" strokeOpacity=".35" />
            <path d="M8 8h16v16H8z" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M16 8v16M8 16h16" stroke="currentColor" strokeWidth="1.3" opacity=".7" />
            <rect x="16" y="8" width="8" height="8" fill="currentColor" opacity=".85" />
          </svg>
          <div>
            <div className="login__product">{t('app.productLocal')}</div>
            <div className="login__subtitle">GridCommand · {t('login.subtitle')}</div>
          </div>
        </div>
        <h1 className="login__title">{t('login.title')}</h1>
        <label className="field">
          <span>{t('login.username')}</span>
          <input
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
            required
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
            required
          />
        </label>
        {error ? (
          <div className="login__error" role="alert" data-testid="login-error">
            {error}
          </div>
        ) : null}
        <button className="btn btn--primary btn--block" type="submit" disabled={busy} data-testid="login-submit">
          {t('login.submit')}
        </button>
        <div className="login__foot">
          <span>{t('app.district')}</span>
          <span className="login__langs">
            {LANGUAGES.map((lng) => (
              <button key={lng} type="button" className={`linklike${i18n.language === lng ? ' is-active' : ''}`} onClick={() => setLanguage(lng)}>
                {t(`lang.${lng}`)}
              </button>
            ))}
          </span>
        </div>
      </form>
    </div>
  );
}
