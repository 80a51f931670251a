import { DateTime } from 'luxon';
import type { Locale } from '../notifications/templates';

/**
 * A session time as a person reads it in a message: wall time in their zone, in their language,
 * with the zone said out loud (a parent at a worksite abroad must not misread it as Beijing time).
 */
export function describeTime(at: Date, zone: string, locale: Locale): string {
  const local = DateTime.fromJSDate(at, { zone }).setLocale(locale);
  if (locale === 'zh-CN') {
    const zoneName = zone === 'Asia/Shanghai' ? '北京时间' : `${zone} 时间`;
    return `${local.toFormat('M月d日（EEE）HH:mm')}（${zoneName}）`;
  }
  return `${local.toFormat('ccc d LLL yyyy, HH:mm')} (${zone} time)`;
}
