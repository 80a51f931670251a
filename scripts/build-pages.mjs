// Bundles the browser pages (src/pages/web) into dist/pages: one hashed JS and CSS file per page,
// an HTML shell per page that names them, gzip copies, and manifest.json for the pages controller.
// Usage: node scripts/build-pages.mjs [outDir]   (default dist/pages)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist/pages');
const web = join(root, 'src/pages/web');

/** page name → [entry, title]. The guardian's call page must stay under 150 KB before media. */
export const PAGES = {
  index: ['index.ts', 'Kinbridge'],
  call: ['call/call.page.ts', 'Kinbridge · 通话'],
  hub: ['hub/hub.page.ts', 'Kinbridge · 站点'],
  kiosk: ['kiosk/kiosk.page.ts', 'Kinbridge · 小朋友'],
  inbox: ['inbox/inbox.page.ts', 'Kinbridge · 提醒'],
};

const assetsDir = join(outDir, 'assets');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });

const result = await build({
  entryPoints: Object.fromEntries(Object.entries(PAGES).map(([name, [entry]]) => [name, join(web, entry)])),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'safari15', 'firefox100'],
  platform: 'browser',
  tsconfig: join(web, 'tsconfig.json'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  outdir: assetsDir,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const manifest = { pages: {}, files: {} };
const outputsByEntry = {};
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!output.entryPoint) continue;
  const name = Object.keys(PAGES).find((page) => resolve(root, output.entryPoint) === join(web, PAGES[page][0]));
  if (!name) continue;
  outputsByEntry[name] = { js: basename(file), css: output.cssBundle ? basename(output.cssBundle) : undefined };
}
for (const [name, [, title]] of Object.entries(PAGES)) {
  const { js, css } = outputsByEntry[name] ?? {};
  if (!js) throw new Error(`no bundle for page ${name}`);
  const html = [
    '<!doctype html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">',
    '<meta name="color-scheme" content="light">',
    '<link rel="icon" href="data:,">',
    `<title>${title}</title>`,
    css ? `<link rel="stylesheet" href="/pages/assets/${css}">` : '',
    `<script src="/pages/assets/${js}" defer></script>`,
    '</head>',
    `<body data-page="${name}"><main id="app" aria-live="polite"></main>`,
    '<noscript>请打开 JavaScript · Please enable JavaScript</noscript></body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
  writeFileSync(join(outDir, `${name}.html`), html);
  manifest.pages[name] = `${name}.html`;
}

// Every served file with its digest (ETag) and whether a gzip copy exists.
const serve = (relative) => {
  const body = readFileSync(join(outDir, relative));
  const gz = gzipSync(body, { level: 9 });
  const gzipped = gz.length < body.length;
  if (gzipped) writeFileSync(join(outDir, `${relative}.gz`), gz);
  manifest.files[relative] = { etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, bytes: body.length, gzipBytes: gzipped ? gz.length : null };
};
for (const name of Object.keys(PAGES)) serve(`${name}.html`);
for (const file of Object.keys(result.metafile.outputs)) serve(`assets/${basename(file)}`);

const tmp = join(outDir, 'manifest.json.tmp');
writeFileSync(tmp, JSON.stringify(manifest, null, 2));
renameSync(tmp, join(outDir, 'manifest.json'));
const sizes = Object.entries(manifest.files)
  .filter(([file]) => !file.endsWith('.html'))
  .map(([file, info]) => `${file} ${(info.bytes / 1024).toFixed(1)} KB (gzip ${info.gzipBytes ? (info.gzipBytes / 1024).toFixed(1) : '-'} KB)`);
console.log(`pages built into ${outDir}:\n  ${sizes.join('\n  ')}`);
