// Issue #4 in a real browser: the guardian's page and the hub's page join one session, the child
// says yes on the kiosk, the supervisor admits, both reach a connected WebRTC call with video bytes
// flowing, the supervisor ends it. And "not today": the session is declined and no call can start.
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { FixedClock } from '../../../src/common/clock';
import { bearer } from '../../support/test-app';
import { browserSuite, newParty, pollUntil, signInGuardian, signInStaff, videoFlow } from './browser-support';

describe('calls (browser)', () => {
  const clock = new FixedClock(DateTime.utc());
  const app = browserSuite(clock);

  /** A hub world with a session that started a minute ago (inside the check-in window; a call may start from the start). */
  async function sessionNow(kind: 'supervised' | 'mediated' = 'supervised') {
    clock.set(DateTime.utc());
    const world = await app.t.factories.newHubWorld();
    const session = await app.t.factories.sessionOf(world, {
      startsAt: clock.now().minus({ minutes: 1 }).toJSDate(),
      durationMinutes: 30,
      kind,
      counselorId: kind === 'mediated' ? world.counselor.id : null,
    });
    return { ...world, session };
  }

  const status = async (sessionId: string): Promise<string> => (await app.t.db.query(`SELECT status FROM sessions WHERE id = $1`, [sessionId]))[0].status;

  /** The guardian signs in on the call page and joins: the waiting room. */
  async function guardianWaits(page: Page, world: Awaited<ReturnType<typeof sessionNow>>): Promise<void> {
    await page.goto('/pages/call');
    await signInGuardian(page, app.t.db, world.guardian);
    await page.locator(`[data-session="${world.session.id}"] .join`).click();
    await page.locator('#waiting-room').waitFor({ timeout: 30_000 });
  }

  /** Staff sign in on the hub page, check the session in and open the kiosk from its row. */
  async function staffChecksInAndOpensKiosk(hub: Page, world: Awaited<ReturnType<typeof sessionNow>>): Promise<Page> {
    await hub.goto('/pages/hub');
    await signInStaff(hub, world.staff.email);
    const row = hub.locator(`li[data-session="${world.session.id}"]`);
    await row.locator('[data-action="check-in"]').click();
    await hub.locator(`li[data-session="${world.session.id}"][data-status="checked_in"]`).waitFor({ timeout: 30_000 });
    await pollUntil(async () => (await status(world.session.id)) === 'checked_in', 'the session checked in');
    const [kiosk] = await Promise.all([hub.context().waitForEvent('page'), row.locator('[data-action="kiosk"]').click()]);
    await kiosk.locator('[data-assent="yes"]').waitFor({ timeout: 30_000 });
    return kiosk;
  }

  it('guardian and supervisor reach a connected call with video flowing; the supervisor ends it', async () => {
    const world = await sessionNow();
    const guardian = await newParty(app.browser, app.baseUrl);
    const staff = await newParty(app.browser, app.baseUrl);
    try {
      const guardianPage = await guardian.context.newPage();
      await guardianWaits(guardianPage, world);

      const hub = await staff.context.newPage();
      const kiosk = await staffChecksInAndOpensKiosk(hub, world);
      await kiosk.locator('[data-assent="yes"]').click();
      await kiosk.locator('#enjoy').waitFor();
      await pollUntil(async () => (await app.t.db.query(`SELECT assent FROM sessions WHERE id = $1`, [world.session.id]))[0].assent === 'yes', 'assent yes stored');

      // The hub's live list shows the parent waiting; the supervisor joins and sees them in the waiting room.
      await hub.locator(`li[data-session="${world.session.id}"] [data-waiting="true"]`).waitFor({ timeout: 30_000 });
      await hub.locator(`li[data-session="${world.session.id}"] [data-action="join"]`).click();
      const admit = hub.locator(`#participants li[data-participant="${world.guardian.id}"][data-state="waiting"] .admit`);
      await admit.waitFor({ timeout: 30_000 });

      const admittedAt = Date.now();
      await admit.click();
      await guardianPage.locator('body[data-screen="call"]').waitFor({ timeout: 30_000 });
      const flowing = async (page: Page) => {
        const flow = await videoFlow(page);
        return flow.connected >= 1 && flow.inboundVideoBytes > 0 ? flow : undefined;
      };
      await pollUntil(async () => (await videoFlow(hub)).connected >= 1 && (await videoFlow(guardianPage)).connected >= 1, 'both peer connections connected', 45_000, 20);
      const connectedMs = Date.now() - admittedAt;
      const [hubFlow, guardianFlow] = [await pollUntil(() => flowing(hub), 'video bytes at the hub', 45_000), await pollUntil(() => flowing(guardianPage), 'video bytes at the guardian', 45_000)];
      const steps = async (page: Page) => page.evaluate(() => (globalThis as unknown as { kinbridgeCall?: { steps: [string, number][] } }).kinbridgeCall?.steps ?? []);
      const hubSteps = await steps(hub);
      const clicked = hubSteps.find(([name]) => name === 'admit clicked')?.[1];
      const connected = hubSteps.find(([name]) => name === 'peer connected')?.[1];
      console.log(
        `admit → connected: ${clicked !== undefined && connected !== undefined ? connected - clicked : '?'} ms in the hub page ` +
          `(${connectedMs} ms seen by the test's polling; guardian received ${guardianFlow.inboundVideoBytes} B of video, hub ${hubFlow.inboundVideoBytes} B)\n` +
          `  hub: ${hubSteps.map(([name, at]) => `${name} +${at - (clicked ?? 0)}`).join(', ')}\n` +
          `  guardian: ${(await steps(guardianPage)).map(([name, at]) => `${name} @${at}`).join(', ')}`,
      );
      await pollUntil(async () => (await status(world.session.id)) === 'in_call', 'the session in_call');
      // The picture replaces the "connecting" hint; the guardian can leave from the call screen.
      await guardianPage.locator('.stage .hint').waitFor({ state: 'hidden' });
      expect(await guardianPage.locator('.controls .leave').isVisible()).toBe(true);

      // A network drop on the guardian's side (the browser goes offline: the socket closes): socket.io
      // reconnects with a fresh join token, the guardian is still admitted, the supervisor offers afresh.
      const stepsBefore = (await steps(guardianPage)).length;
      await guardian.context.setOffline(true);
      await guardianPage.locator('body[data-link="reconnecting"]').waitFor({ timeout: 30_000 });
      await guardian.context.setOffline(false);
      await pollUntil(
        async () => {
          const later = (await steps(guardianPage)).slice(stepsBefore).map(([name]) => name);
          return later.includes('offer received') && later.lastIndexOf('peer connected') > later.indexOf('offer received');
        },
        'the guardian reconnected and a fresh peer connection connected',
        45_000,
      );
      const rejoined = await pollUntil(() => flowing(guardianPage), 'video bytes at the guardian after the reconnect', 45_000);
      expect(rejoined.peers).toBe(1);
      const [joins] = await app.t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'call.join' AND object_id = $1 AND actor_id = $2`, [
        world.session.id,
        world.guardian.id,
      ]);
      expect(joins.n).toBe(2);

      // Mute and camera toggles act on the tracks (the call goes on).
      await guardianPage.locator('#toggle-mic').click();
      expect(await guardianPage.locator('#toggle-mic').getAttribute('aria-pressed')).toBe('true');

      await hub.locator('#end-call').click();
      await guardianPage.locator('#ended').waitFor({ timeout: 30_000 });
      await hub.locator('#call-closed').waitFor({ timeout: 30_000 });
      await pollUntil(async () => (await status(world.session.id)) === 'completed', 'the session completed');
      expect((await videoFlow(guardianPage)).peers).toBe(0);

      // After the call the kiosk moves on to the wellbeing check by itself.
      await kiosk.locator('[data-item="feelingNow"]').waitFor({ timeout: 30_000 });
      expect([...guardian.problems, ...staff.problems]).toEqual([]);
    } finally {
      await guardian.context.close();
      await staff.context.close();
    }
  });

  it('"not today" declines the session: the guardian sees the gentle screen and no call can start', async () => {
    const world = await sessionNow();
    const guardian = await newParty(app.browser, app.baseUrl);
    const staff = await newParty(app.browser, app.baseUrl);
    try {
      const guardianPage = await guardian.context.newPage();
      await guardianWaits(guardianPage, world);

      const hub = await staff.context.newPage();
      const kiosk = await staffChecksInAndOpensKiosk(hub, world);
      await kiosk.locator('[data-assent="not_today"]').click();
      await kiosk.locator('[data-reason="tired"]').click();
      await kiosk.locator('#okay').waitFor();

      await pollUntil(async () => (await status(world.session.id)) === 'declined', 'the session declined');
      const [stored] = await app.t.db.query(`SELECT assent, assent_reason FROM sessions WHERE id = $1`, [world.session.id]);
      expect(stored).toEqual({ assent: 'not_today', assent_reason: 'tired' });
      await guardianPage.locator('#not-today').waitFor({ timeout: 30_000 });

      // The hub page offers no way into the call.
      await hub.locator(`li[data-session="${world.session.id}"][data-status="declined"]`).waitFor({ timeout: 30_000 });
      expect(await hub.locator(`li[data-session="${world.session.id}"] [data-action="join"]`).count()).toBe(0);

      // Nor does the API or the socket: no join token, or an admit that is refused.
      const join = await app.t.http().post(`/api/v1/sessions/${world.session.id}/join-token`).set(...bearer(world.staff.token));
      if (join.status < 300) {
        const socket = io(`${app.baseUrl}/calls`, { auth: { token: join.body.token }, transports: ['websocket'], reconnection: false });
        try {
          const ack = await new Promise<{ ok: boolean }>((resolve) => {
            socket.on('connect_error', () => resolve({ ok: false }));
            socket.on('connect', () => socket.emit('admit', { participantId: world.guardian.id }, resolve));
          });
          expect(ack.ok).toBe(false);
        } finally {
          socket.close();
        }
      } else {
        expect(join.status).toBeGreaterThanOrEqual(400);
        expect(join.status).toBeLessThan(500);
      }

      // The guardian's page never held a connected peer connection.
      const flow = await videoFlow(guardianPage);
      expect(flow.connected).toBe(0);
      expect(await status(world.session.id)).toBe('declined');

      // After a decline the kiosk goes on to the wellbeing check, without the call question.
      await kiosk.locator('#to-check').click();
      await kiosk.locator('[data-item="feelingNow"]').waitFor();
      expect([...guardian.problems, ...staff.problems]).toEqual([]);
    } finally {
      await guardian.context.close();
      await staff.context.close();
    }
  });

  it('a mediated call: the counselor joins from the call page and all three see each other (a full mesh)', async () => {
    const world = await sessionNow('mediated');
    const guardian = await newParty(app.browser, app.baseUrl);
    const counselor = await newParty(app.browser, app.baseUrl);
    const staff = await newParty(app.browser, app.baseUrl);
    try {
      const guardianPage = await guardian.context.newPage();
      await guardianWaits(guardianPage, world);

      const counselorPage = await counselor.context.newPage();
      await counselorPage.goto('/pages/call');
      await counselorPage.locator('#switch-sign-in').click();
      await signInStaff(counselorPage, world.counselor.email);
      await counselorPage.locator(`[data-session="${world.session.id}"] .join`).click();
      await counselorPage.locator('#waiting-room').waitFor({ timeout: 30_000 });

      const hub = await staff.context.newPage();
      const kiosk = await staffChecksInAndOpensKiosk(hub, world);
      await kiosk.locator('[data-assent="yes"]').click();
      await kiosk.locator('#enjoy').waitFor();
      await hub.locator(`li[data-session="${world.session.id}"] [data-action="join"]`).click();
      for (const participant of [world.guardian.id, world.counselor.id]) {
        const admit = hub.locator(`#participants li[data-participant="${participant}"][data-state="waiting"] .admit`);
        await admit.waitFor({ timeout: 30_000 });
        await admit.click();
      }

      // A full mesh: every page holds two connected peer connections with video coming in.
      for (const page of [hub, guardianPage, counselorPage]) {
        const flow = await pollUntil(
          async () => {
            const now = await videoFlow(page);
            return now.connected === 2 && now.inboundVideoBytes > 0 ? now : undefined;
          },
          `two connected peers with video on ${page.url()}`,
          60_000,
        );
        expect(flow.peers).toBe(2);
      }
      await pollUntil(async () => (await status(world.session.id)) === 'in_call', 'the session in_call');

      await hub.locator('#end-call').click();
      await guardianPage.locator('#ended').waitFor({ timeout: 30_000 });
      await counselorPage.locator('#ended').waitFor({ timeout: 30_000 });
      await pollUntil(async () => (await status(world.session.id)) === 'completed', 'the session completed');
      expect([...guardian.problems, ...counselor.problems, ...staff.problems]).toEqual([]);
    } finally {
      await guardian.context.close();
      await counselor.context.close();
      await staff.context.close();
    }
  });
});
