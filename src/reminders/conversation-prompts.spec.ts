import { CONVERSATION_PROMPTS, pickPrompts } from './conversation-prompts';
import { describeTime } from './session-time';

describe('conversation prompts', () => {
  it('exist in both locales, as parallel lists, and never ask about marks or exams', () => {
    expect(CONVERSATION_PROMPTS['zh-CN']).toHaveLength(CONVERSATION_PROMPTS.en.length);
    for (const prompt of CONVERSATION_PROMPTS.en) expect(prompt).not.toMatch(/mark|grade|exam|score|homework/i);
    for (const prompt of CONVERSATION_PROMPTS['zh-CN']) expect(prompt).not.toMatch(/成绩|考试|分数|作业/);
  });

  it.each(['zh-CN', 'en'] as const)('picks three different prompts in %s, the same for the same seed', (locale) => {
    for (const seed of ['a/24h', 'a/1h', 'b/24h', '6f1c2d3e/1h']) {
      const picked = pickPrompts(locale, seed);
      expect(picked).toHaveLength(3);
      expect(new Set(picked).size).toBe(3);
      expect(pickPrompts(locale, seed)).toEqual(picked);
      for (const prompt of picked) expect(CONVERSATION_PROMPTS[locale]).toContain(prompt);
    }
  });
});

describe('describeTime', () => {
  const at = new Date('2026-03-29T11:30:00Z');
  it('says the wall time in the reader’s zone and names the zone', () => {
    expect(describeTime(at, 'Asia/Shanghai', 'zh-CN')).toBe('3月29日（周日）19:30（北京时间）');
    expect(describeTime(at, 'Europe/Berlin', 'zh-CN')).toBe('3月29日（周日）13:30（Europe/Berlin 时间）');
    expect(describeTime(at, 'Asia/Dubai', 'en')).toBe('Sun 29 Mar 2026, 15:30 (Asia/Dubai time)');
  });
});
