// zh-CN first, English second: `?lang=en` wins, then the browser's first language.

export type Lang = 'zh' | 'en';

export function pickLang(search = location.search, languages: readonly string[] = navigator.languages ?? [navigator.language]): Lang {
  const asked = new URLSearchParams(search).get('lang');
  if (asked === 'en' || asked === 'zh' || asked === 'zh-CN') return asked === 'en' ? 'en' : 'zh';
  const first = (languages[0] ?? 'zh-CN').toLowerCase();
  return first.startsWith('en') ? 'en' : 'zh';
}

export type Dictionary<K extends string> = Record<K, string>;

/** A translator over one page's tiny dictionary; `{name}` placeholders are filled from `params`. */
export function translator<K extends string>(zh: Dictionary<K>, en: Dictionary<K>, lang: Lang = pickLang()) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  const table = lang === 'en' ? en : zh;
  const t = (key: K, params: Record<string, string | number> = {}): string =>
    table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  return Object.assign(t, { lang });
}

export type Translate<K extends string> = ReturnType<typeof translator<K>>;
