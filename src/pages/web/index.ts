// The pages' front door: who are you? Each page signs its own people in.
import { h, show } from './lib/dom';
import { translator } from './lib/i18n';
import './styles.css';

const zh = {
  title: 'Kinbridge 亲情桥',
  guardian: '我是家长：和孩子视频通话',
  hub: '站点老师：今天的通话',
  kiosk: '小朋友的平板（由老师从站点页面打开）',
  inbox: '心理老师：提醒和跟进',
  other: 'English',
};
const en: typeof zh = {
  title: 'Kinbridge',
  guardian: 'I am a parent: video call with my child',
  hub: 'Hub staff: today’s calls',
  kiosk: 'The child’s tablet (opened by staff from the hub page)',
  inbox: 'Counselors: alerts and follow-ups',
  other: '中文',
};
const t = translator(zh, en);
const suffix = t.lang === 'en' ? '?lang=en' : '';
show(
  h('h1', {}, t('title')),
  h(
    'ul',
    { class: 'list' },
    h('li', {}, h('a', { href: `/pages/call${suffix}` }, `📞 ${t('guardian')}`)),
    h('li', {}, h('a', { href: `/pages/hub${suffix}` }, `🏫 ${t('hub')}`)),
    h('li', {}, h('a', { href: `/pages/inbox${suffix}` }, `💬 ${t('inbox')}`)),
    h('li', { class: 'muted' }, `🧒 ${t('kiosk')}`),
  ),
  h('p', {}, h('a', { href: t.lang === 'en' ? '/pages?lang=zh' : '/pages?lang=en' }, t('other'))),
);
