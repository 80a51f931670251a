// Shared by the browser tests: Debian's Chromium through playwright-core, the built pages, sign-in
// helpers and polling. A missing Chromium fails the tests with a clear message; it never skips them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import type { FixedClock } from '../../../src/common/clock';
import { TEST_PASSWORD } from '../../factories';
import { startTestApp, TestApp } from '../../support/test-app';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser tests need Debian's chromium: apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH). They fail rather than skip, so a missing browser is never mistaken for a pass.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Builds the pages into dist/pages (esbuild, well under a second) so the test serves the current code. */
export function buildPages(): void {
  const root = resolve(__dirname, '../../..');
  const result = spawnSync(process.execPath, ['scripts/build-pages.mjs'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the pages failed:\n${result.stdout}\n${result.stderr}`);
}

/** The app on the test database (with the pages built from the current code) and one Chromium. */
async function startBrowserApp(clock: FixedClock): Promise<{ t: TestApp; browser: Browser; baseUrl: string }> {
  buildPages();
  const t = await startTestApp({ clock });
  const baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  return { t, browser: await launchChromium(), baseUrl };
}

export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  baseUrl: string;
}

/**
 * A browser suite's app and Chromium, started before its tests and stopped after them, with the
 * generous timeouts browsers need on a shared 2-core machine (never asserted). Read the fields
 * inside tests: they are filled in by the suite's beforeAll.
 */
export function browserSuite(clock: FixedClock): BrowserApp {
  const app = {} as BrowserApp;
  jest.setTimeout(180_000);
  beforeAll(async () => {
    Object.assign(app, await startBrowserApp(clock));
  }, 60_000);
  afterAll(() => stopBrowserApp(app));
  return app;
}

async function stopBrowserApp(app: { t?: TestApp; browser?: Browser }): Promise<void> {
  await app.browser?.close();
  await app.t?.close();
}

/** A context per party, with camera and microphone granted; records page errors and CSP violations. */
export async function newParty(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext({ baseURL: baseUrl, permissions: ['camera', 'microphone'], locale: 'zh-CN' });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP on ${page.url()}: ${message.text()}`);
    });
  };
  context.on('page', watch);
  return { context, problems };
}

export async function signInStaff(page: Page, email: string): Promise<void> {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(TEST_PASSWORD);
  await page.locator('#staff-signin button[type=submit]').click();
}

/** The guardian's real sign-in: phone, a code sent through the outbox (read as the SMS gateway would), the code. */
export async function signInGuardian(page: Page, db: DataSource, guardian: { id: string; phone: string }): Promise<void> {
  await page.locator('#phone').fill(guardian.phone);
  await page.locator('#send-code').click();
  await page.locator('#code').waitFor({ state: 'visible' });
  const code = await pollUntil(async () => {
    const [row] = await db.query(`SELECT body FROM notifications WHERE recipient_id = $1 AND template = 'otp_code' ORDER BY created_at DESC LIMIT 1`, [guardian.id]);
    return row ? /\b(\d{6})\b/.exec(row.body as string)?.[1] : undefined;
  }, 'the one-time code in the outbox');
  await page.locator('#code').fill(code);
  await page.locator('#verify').click();
}

/** Polls until `probe` gives a value (generous timeout; no timing is asserted). */
export async function pollUntil<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** Inbound video bytes over every connected peer connection the page exposes (window.kinbridgeCall). */
interface PeerLike {
  connectionState: string;
  getStats(): Promise<{ forEach(each: (report: { type: string; kind?: string; bytesReceived?: number }) => void): void }>;
}

/** Inbound video bytes over every connected peer connection the page exposes (window.kinbridgeCall). */
export async function videoFlow(page: Page): Promise<{ peers: number; connected: number; inboundVideoBytes: number }> {
  return page.evaluate(async () => {
    const exposed = (globalThis as unknown as { kinbridgeCall?: { peers: Map<string, PeerLike> } }).kinbridgeCall;
    const peers = [...(exposed?.peers.values() ?? [])];
    let inboundVideoBytes = 0;
    for (const pc of peers) {
      const stats = await pc.getStats();
      stats.forEach((report) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') inboundVideoBytes += report.bytesReceived ?? 0;
      });
    }
    return { peers: peers.length, connected: peers.filter((pc) => pc.connectionState === 'connected').length, inboundVideoBytes };
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
