// The guardian's call page must load under 150 KB before media (issue #4): every byte the browser
// transferred — HTML, script, style, the sign-in and the session list's API calls — counted from
// Chromium's own network events (CDP Network.loadingFinished: encoded bytes incl. headers).
import { DateTime } from 'luxon';
import { FixedClock } from '../../../src/common/clock';
import { browserSuite, newParty, signInGuardian } from './browser-support';

const BUDGET_BYTES = 150 * 1024;

describe('guardian call page (browser): transfer size', () => {
  const clock = new FixedClock(DateTime.utc());
  const app = browserSuite(clock);

  it('loads, signs a guardian in and lists their calls in under 150 KB', async () => {
    const world = await app.t.factories.newHubWorld();
    const session = await app.t.factories.sessionOf(world, {
      startsAt: clock.now().plus({ minutes: 20 }).toJSDate(),
    });
    const { context, problems } = await newParty(app.browser, app.baseUrl);
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      // The browser's cache is off so the first visit is measured, as a phone on a worksite sees it.
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const transferred = new Map<string, number>();
      const urls = new Map<string, string>();
      cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
      cdp.on('Network.loadingFinished', (event) => transferred.set(event.requestId, event.encodedDataLength));

      await page.goto('/pages/call');
      await signInGuardian(page, app.t.db, world.guardian);
      await page.locator(`[data-session="${session.id}"] .join`).waitFor();
      expect(await page.locator(`[data-session="${session.id}"] strong`).textContent()).toContain(world.child.displayName);

      const total = [...transferred.values()].reduce((sum, bytes) => sum + bytes, 0);
      const byUrl = [...transferred.entries()].map(([id, bytes]) => `${bytes} B  ${urls.get(id)?.replace(app.baseUrl, '')}`);
      console.log(`guardian page before media: ${(total / 1024).toFixed(1)} KB transferred in ${transferred.size} requests\n  ${byUrl.join('\n  ')}`);
      expect(transferred.size).toBeGreaterThanOrEqual(6); // html, js, css, otp request, verify, sessions, children
      expect(total).toBeGreaterThan(10 * 1024); // the script alone is more: the counting really counted
      expect(total).toBeLessThan(BUDGET_BYTES);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
