export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];

interface Rendered {
  subject: string;
  body: string;
}

type TemplateSet = Record<Locale, (params: Record<string, string>) => Rendered>;

/**
 * Every message Kinbridge sends, in each locale. Guardians read them on a phone, often as SMS,
 * so bodies stay short and plain.
 */
export const TEMPLATES = {
  otp_code: {
    'zh-CN': (p) => ({ subject: 'Kinbridge 验证码', body: `您的 Kinbridge 验证码是 ${p.code}，${p.minutes} 分钟内有效。请勿告诉他人。` }),
    en: (p) => ({ subject: 'Kinbridge sign-in code', body: `Your Kinbridge code is ${p.code}. It expires in ${p.minutes} minutes. Do not share it.` }),
  },
} satisfies Record<string, TemplateSet>;

export type TemplateName = keyof typeof TEMPLATES;

export function renderTemplate(name: TemplateName, locale: Locale, params: Record<string, string>): Rendered {
  return (TEMPLATES[name] as TemplateSet)[locale](params);
}
