// Issue #5 in a real browser: a wellbeing check submitted on the child's kiosk makes an alert
// appear in an open counselor inbox without a reload; the counselor acknowledges it there and
// opens the child's timeline with its chart.
import { DateTime } from 'luxon';
import { FixedClock } from '../../../src/common/clock';
import { browserSuite, newParty, pollUntil, signInStaff } from './browser-support';

describe('wellbeing check → counselor inbox (browser)', () => {
  const clock = new FixedClock(DateTime.utc());
  const app = browserSuite(clock);

  it('a sad check with a wish to talk shows up in the open inbox at once', async () => {
    const world = await app.t.factories.newHubWorld();
    const session = await app.t.factories.sessionOf(world, {
      startsAt: clock.now().minus({ minutes: 40 }).toJSDate(),
      status: 'completed',
    });
    const counselor = await newParty(app.browser, app.baseUrl);
    const staff = await newParty(app.browser, app.baseUrl);
    try {
      const inbox = await counselor.context.newPage();
      await inbox.goto('/pages/inbox');
      await signInStaff(inbox, world.counselor.email);
      await inbox.locator('#live').filter({ hasText: /实时|live/ }).waitFor({ timeout: 30_000 });
      await inbox.locator('#no-alerts').waitFor();
      const navigations: string[] = [];
      inbox.on('framenavigated', (frame) => frame === inbox.mainFrame() && navigations.push(frame.url()));

      const kiosk = await staff.context.newPage();
      await kiosk.goto(`/pages/kiosk?session=${session.id}`);
      await signInStaff(kiosk, world.staff.email);
      await kiosk.locator('[data-item="feelingNow"] [data-value="1"]').click();
      await kiosk.locator('[data-item="callFeeling"] [data-value="1"]').click();
      await kiosk.locator('[data-item="thermometer"] [data-value="8"]').click();
      await kiosk.locator('[data-item="wantsToTalk"] [data-value="true"]').click();
      await kiosk.locator('#distress-seen').check();
      await kiosk.locator('#note').fill('cried after the call');
      await kiosk.locator('#submit-check').click();
      await kiosk.locator('#thanks').waitFor({ timeout: 30_000 });

      const [check] = await app.t.db.query(`SELECT * FROM wellbeing_checks WHERE session_id = $1`, [session.id]);
      expect(check).toBeDefined();

      const row = inbox.locator('#alerts li[data-alert]').filter({ hasText: world.child.displayName });
      await row.first().waitFor({ timeout: 30_000 });
      expect(navigations).toEqual([]);
      const alertId = await row.first().getAttribute('data-alert');
      const [stored] = await app.t.db.query(`SELECT status, child_id FROM alerts WHERE id = $1`, [alertId]);
      expect(stored).toEqual({ status: 'open', child_id: world.child.id });

      await row.first().locator('[data-action="acknowledge"]').click();
      await pollUntil(async () => (await app.t.db.query(`SELECT status FROM alerts WHERE id = $1`, [alertId]))[0].status === 'acknowledged', 'the alert acknowledged');
      await inbox.locator(`li[data-alert="${alertId}"][data-status="acknowledged"]`).waitFor({ timeout: 30_000 });

      await inbox.locator(`li[data-alert="${alertId}"] [data-action="follow-up"]`).click();
      await inbox.locator('#follow-up-action').selectOption('met_child');
      await inbox.locator('#follow-up-note').fill('talked at lunch');
      await inbox.locator('#alert-form button[type=submit]').click();
      await inbox.locator('#saved').waitFor();

      await inbox.locator(`li[data-alert="${alertId}"] [data-action="timeline"]`).click();
      await inbox.locator('#timeline').waitFor({ timeout: 30_000 });
      // One answered check: one point per plotted item (faces 1, 1 and thermometer 8), and the entries newest first.
      await inbox.locator('#score-chart polyline[data-series="feelingNow"]').waitFor({ state: 'attached' });
      expect(await inbox.locator('#score-chart polyline').count()).toBe(3);
      expect(await inbox.locator('#score-chart circle').count()).toBe(3);
      const types = await inbox.locator('#timeline li[data-type]').evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
      expect(types).toEqual(expect.arrayContaining(['session', 'wellbeing_check', 'alert', 'follow_up']));

      // Resolving needs an outcome; the alert then leaves the open list.
      await inbox.locator(`li[data-alert="${alertId}"] [data-action="resolve"]`).click();
      await inbox.locator('#resolve-outcome').fill('talked with the child and the mother; weekly check-ins');
      await inbox.locator('#alert-form button[type=submit]').click();
      await pollUntil(async () => (await app.t.db.query(`SELECT status FROM alerts WHERE id = $1`, [alertId]))[0].status === 'resolved', 'the alert resolved');
      await inbox.locator(`li[data-alert="${alertId}"]`).waitFor({ state: 'detached', timeout: 30_000 });

      expect([...counselor.problems, ...staff.problems]).toEqual([]);
    } finally {
      await counselor.context.close();
      await staff.context.close();
    }
  });

  it('staff may skip the check with a reason, after a declined session', async () => {
    const world = await app.t.factories.newHubWorld();
    const session = await app.t.factories.sessionOf(world, {
      startsAt: clock.now().minus({ minutes: 5 }).toJSDate(),
      status: 'declined',
    });
    const staff = await newParty(app.browser, app.baseUrl);
    try {
      const kiosk = await staff.context.newPage();
      await kiosk.goto(`/pages/kiosk?session=${session.id}&lang=en`);
      await signInStaff(kiosk, world.staff.email);
      await kiosk.locator('[data-item="feelingNow"]').waitFor({ timeout: 30_000 });
      await kiosk.locator('#skip-check').click();
      await kiosk.locator('#skip-reason').selectOption('technical_problem');
      await kiosk.locator('#skip-form button[type=submit]').click();
      await kiosk.locator('#thanks').waitFor({ timeout: 30_000 });
      const [check] = await app.t.db.query(`SELECT status, skip_reason FROM wellbeing_checks WHERE session_id = $1`, [session.id]);
      expect(check).toEqual({ status: 'skipped', skip_reason: 'technical_problem' });
      expect(staff.problems).toEqual([]);
    } finally {
      await staff.context.close();
    }
  });

  it('tells a hub staff member that the inbox is for counselors', async () => {
    const world = await app.t.factories.newHubWorld();
    const staff = await newParty(app.browser, app.baseUrl);
    try {
      const inbox = await staff.context.newPage();
      await inbox.goto('/pages/inbox?lang=en');
      await signInStaff(inbox, world.staff.email);
      await inbox.locator('#live').filter({ hasText: 'This page is for counselors.' }).waitFor({ timeout: 30_000 });
      expect(staff.problems).toEqual([]);
    } finally {
      await staff.context.close();
    }
  });
});
