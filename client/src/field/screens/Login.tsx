/** Sign in once on this phone: the server gives a long-lived device session named after the phone. */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { signIn } from '../api.ts';
import { deviceNameFromUA } from '../device.ts';
import { useOnline } from '../runtime.tsx';
import { fieldTestState } from '../testHooks.ts';

export function LoginScreen({ notice }: { notice?: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const online = useOnline();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice ?? null);
  const device = deviceNameFromUA(navigator.userAgent);
  useEffect(() => {
    fieldTestState.ready = true;
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!online) {
      setError(t('login.offline'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password, device);
      await qc.invalidateQueries({ queryKey: keys.field.me() });
      await qc.refetchQueries({ queryKey: keys.field.me() });
    } catch (err) {
      if (err instanceof ApiError && (err.statusCode === 401 || err.statusCode === 400)) setError(t('login.bad'));
      else if (err instanceof ApiError && err.isNetwork) setError(t('login.offline'));
      else setError(t('login.failed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="f-login" data-testid="field-login">
      <div className="f-login-brand">
        <div className="f-logo" aria-hidden="true" />
        <h1>{t('app.name')}</h1>
        <p>{t('login.subtitle')}</p>
      </div>
      <form className="f-card f-login-form" onSubmit={(e) => void submit(e)}>
        <h2>{t('login.title')}</h2>
        <label className="f-field">
          <span>{t('login.username')}</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoCapitalize="none" data-testid="login-username" required />
        </label>
        <label className="f-field">
          <span>{t('login.password')}</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="login-password" required />
        </label>
        {error ? (
          <p className="f-error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="f-btn f-btn-primary f-btn-block" disabled={busy} data-testid="login-submit">
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <p className="f-muted">{t('login.device', { name: device })}</p>
      </form>
    </div>
  );
}
