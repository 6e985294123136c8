/** A name for this phone in the admin's list of signed-in devices, guessed from the user agent ("Android 14 · Chrome"). */
export function deviceNameFromUA(ua: string): string {
  const android = /Android ([\d.]+)/.exec(ua)?.[1];
  const os =
    /iPhone/.test(ua) ? 'iPhone'
    : /iPad/.test(ua) ? 'iPad'
    : /HarmonyOS/i.test(ua) ? 'HarmonyOS'
    : android ? `Android ${android.split('.')[0]}`
    : /Android/.test(ua) ? 'Android'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'Mac'
    : /Linux/.test(ua) ? 'Linux'
    : null;
  const model = /Android[^;)]*;\s*([^;)]+?)\s*(?:Build\/[^;)]*)?\)/.exec(ua)?.[1]?.trim();
  const browser =
    /MicroMessenger/.test(ua) ? 'WeChat'
    : /EdgA?\//.test(ua) ? 'Edge'
    : /HuaweiBrowser/.test(ua) ? 'Huawei Browser'
    : /MiuiBrowser/.test(ua) ? 'MIUI Browser'
    : /UCBrowser/.test(ua) ? 'UC'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /CriOS|Chrome\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : null;
  const parts = [model && model !== 'K' && !model.startsWith('Linux') ? model : os, browser].filter((x): x is string => !!x);
  const name = parts.length > 0 ? parts.join(' · ') : 'Phone';
  return name.slice(0, 60);
}
