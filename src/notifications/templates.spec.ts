import { LOCALES, renderTemplate, TemplateName, TEMPLATES } from './templates';

/** Params that answer any name, recording which ones a template read. */
function recordingParams(): { params: Record<string, string>; read: Set<string> } {
  const read = new Set<string>();
  const params = new Proxy({} as Record<string, string>, {
    get: (_target, key) => {
      if (typeof key !== 'string') return undefined;
      read.add(key);
      return `⟨${key}⟩`;
    },
  });
  return { params, read };
}

const cases = (Object.keys(TEMPLATES) as TemplateName[]).flatMap((name) => LOCALES.map((locale) => [name, locale] as const));

describe('notification templates', () => {
  it('cover every locale', () => {
    for (const [name, set] of Object.entries(TEMPLATES)) {
      expect({ name, locales: Object.keys(set).sort() }).toEqual({ name, locales: [...LOCALES].sort() });
    }
  });

  it.each(cases)('%s renders in %s with every placeholder filled', (name, locale) => {
    const { params, read } = recordingParams();
    const { subject, body } = renderTemplate(name, locale, params);
    expect(subject.trim()).not.toBe('');
    expect(body.trim()).not.toBe('');
    for (const text of [subject, body]) {
      expect(text).not.toContain('${');
      expect(text).not.toContain('undefined');
      expect(text).not.toContain('[object');
    }
    for (const key of read) expect(`${subject}\n${body}`).toContain(`⟨${key}⟩`);
  });

  it('renders the one-time code in the guardian default locale', () => {
    const { body } = renderTemplate('otp_code', 'zh-CN', { code: '482913', minutes: '10' });
    expect(body).toContain('482913');
    expect(body).toContain('10 分钟');
  });
});
