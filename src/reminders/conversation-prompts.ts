import { createHash } from 'node:crypto';
import type { Locale } from '../notifications/templates';

/**
 * Open, gentle conversation starters for the parent. Parents often do not know what to ask, and
 * a call of questions ("did you study? what marks?") turns into an interrogation; these invite
 * the child to share and the parent to share back. Never about school marks.
 * The two lists are parallel: the same index is the same prompt in each locale.
 */
export const CONVERSATION_PROMPTS: Record<Locale, readonly string[]> = {
  'zh-CN': [
    '问问孩子最近和哪个好朋友玩得最开心',
    '跟孩子说说您今天过得怎么样，遇到了什么有意思的事',
    '告诉孩子一件您为他/她感到骄傲的事',
    '问问孩子这几天吃到了什么好吃的',
    '请孩子给您看看身边喜欢的一样东西',
    '问问孩子最近有没有让他/她开心或难过的事，耐心听完',
    '跟孩子说说您那边的天气和窗外的样子',
    '问问孩子周末最想做什么',
    '和孩子约好下次通话时一起聊的话题',
  ],
  en: [
    'Ask about a friend they enjoyed playing with lately',
    'Share something about your day, something that made you smile',
    'Tell them one thing you are proud of them for',
    'Ask what good food they have had these days',
    'Ask them to show you something they like near them',
    'Ask if anything made them happy or sad lately, and listen to the end',
    'Tell them about the weather and what you can see where you are',
    'Ask what they would most like to do at the weekend',
    'Agree together on something to talk about next time',
  ],
};

/**
 * `count` prompts for one reminder, in the locale. Chosen by a hash of the seed (session id and
 * reminder kind), so a retry says the same and the 24 h and 1 h reminders usually differ.
 */
export function pickPrompts(locale: Locale, seed: string, count = 3): string[] {
  const list = CONVERSATION_PROMPTS[locale];
  const start = createHash('sha256').update(seed).digest().readUInt32BE(0) % list.length;
  return Array.from({ length: Math.min(count, list.length) }, (_, i) => list[(start + i * 2) % list.length]);
}
