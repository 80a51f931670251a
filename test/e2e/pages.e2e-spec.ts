// The pages as HTTP resources: content types, the CSP, caching of hashed assets, gzip, and that
// only built files are served (no path reaches the file system unchecked).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { buildPages } from './browser/browser-support';

const PAGES = ['call', 'hub', 'kiosk', 'inbox'];

describe('pages (HTTP)', () => {
  let t: TestApp;
  let manifest: { pages: Record<string, string>; files: Record<string, { etag: string }> };

  beforeAll(async () => {
    buildPages();
    manifest = JSON.parse(readFileSync(resolve(__dirname, '../../dist/pages/manifest.json'), 'utf8'));
    t = await startTestApp();
  }, 60_000);
  afterAll(() => t?.close());

  it.each([...PAGES, ''])('serves /pages/%s as HTML with a strict CSP and no inline script', async (name) => {
    const response = await t.http().get(`/pages/${name}`).expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("media-src 'self' blob: mediastream:");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son\w+=|style=/i);
    expect(response.text).toMatch(/<script src="\/pages\/assets\/[a-z]+-[A-Z0-9]+\.js" defer><\/script>/);
  });

  it('serves hashed assets as immutable, with the right type, gzipped when asked, and 304 on a matching ETag', async () => {
    const html = (await t.http().get('/pages/call').expect(200)).text;
    const script = /src="(\/pages\/assets\/[^"]+\.js)"/.exec(html)![1];
    const style = /href="(\/pages\/assets\/[^"]+\.css)"/.exec(html)![1];

    const js = await t.http().get(script).set('Accept-Encoding', 'identity').expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-encoding']).toBeUndefined();
    expect(js.text).toContain('kinbridgeCall');

    const zipped = await t
      .http()
      .get(script)
      .set('Accept-Encoding', 'gzip, br')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    // supertest inflates on the fly; the wire size is the Content-Length.
    expect((zipped.body as Buffer).toString('utf8')).toBe(js.text);
    expect(Number(zipped.headers['content-length'])).toBeLessThan(js.text.length / 2);

    const css = await t.http().get(style).expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');

    await t.http().get(script).set('If-None-Match', js.headers.etag).expect(304);
  });

  it.each([
    '/pages/nope',
    '/pages/index',
    '/pages/manifest.json',
    '/pages/assets/..%2Fmanifest.json',
    '/pages/assets/call.js',
    '/pages/call.html',
    '/pages/assets/%2e%2e%2f%2e%2e%2fpackage.json',
  ])('answers %s with a 404 problem', async (path) => {
    const response = await t.http().get(path).expect(404);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('lists every page in the manifest', () => {
    expect(Object.keys(manifest.pages).sort()).toEqual([...PAGES, 'index'].sort());
  });
});
