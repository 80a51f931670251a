/** The demo world seeded by DEMO_DATA=1. The README lists these logins; never enable in production. */
export const DEMO_PASSWORD = 'kinbridge-demo-2026';

export const DEMO_HUB = {
  name: '向日葵村小学 Sunflower Village School hub',
  timeZone: 'Asia/Shanghai',
  stations: ['Booth 1 / 一号亭', 'Booth 2 / 二号亭', 'Library tablet / 图书室平板'],
  // A real school hub opens after school; the demo one takes walk-in calls (no notice) at any
  // hour, so the README's walkthrough works whenever someone tries it.
  openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  minimumNoticeMinutes: 0,
};

export const DEMO_USERS = [
  { email: 'admin@demo.kinbridge.org', displayName: 'Demo Admin 管理员', role: 'admin' as const, locale: 'en' },
  { email: 'staff@demo.kinbridge.org', displayName: '王老师 Teacher Wang', role: 'hub_staff' as const, locale: 'zh-CN' },
  { email: 'counselor@demo.kinbridge.org', displayName: '李心理老师 Counselor Li', role: 'counselor' as const, locale: 'zh-CN' },
];

export const DEMO_GUARDIANS = [
  {
    key: 'mother',
    displayName: '张丽 Zhang Li',
    phone: '+8613900000001',
    timeZone: 'Asia/Shanghai', // a factory in Dongguan, on leave this week: free at any hour (the walkthrough's parent)
    windows: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  },
  {
    key: 'father',
    displayName: '陈强 Chen Qiang',
    phone: '+8613900000002',
    timeZone: 'Asia/Dubai', // a construction site abroad, four hours behind the hub
    windows: [...[5, 6, 7].map((weekday) => ({ weekday, start: '12:00', end: '16:00' }))],
  },
];

export const DEMO_CHILDREN = [
  { displayName: '小明 Xiaoming', birthDate: '2016-04-12', guardian: 'mother', relationship: 'mother' },
  { displayName: '小红 Xiaohong', birthDate: '2018-09-03', guardian: 'father', relationship: 'father' },
  { displayName: '小军 Xiaojun', birthDate: '2014-01-20', guardian: 'mother', relationship: 'aunt' },
];
