// This workplace's npm registry does not serve some other platforms' prebuilt binaries
// (e.g. @swc/core-darwin-arm64), so `npm install` here writes a lock without their entries and
// `npm ci` then refuses it ("Missing: ... from lock file") on every machine. This adds those
// optional entries, with os/cpu read from the package name, so `npm ci` validates the lock and
// skips them on platforms they are not for. Run after changing dependencies:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony'];
const CPU = [['arm64', 'arm64'], ['x64', 'x64'], ['ia32', 'ia32'], ['ppc64', 'ppc64'], ['s390x', 's390x'], ['loong64', 'loong64'], ['riscv64', 'riscv64'], ['arm', 'arm']];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = OS.find((candidate) => tokens.includes(candidate));
  const cpu = CPU.find(([token]) => tokens.includes(token))?.[1];
  if (!os || !cpu) return undefined;
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux') entry.libc = [tokens.some((token) => token.startsWith('musl')) ? 'musl' : 'glibc'];
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[key] || packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform) {
      console.warn(`left alone (platform unknown): ${name}`);
      continue;
    }
    packages[hoisted] = { version: spec.replace(/^[\^~=]/, ''), ...(meta.dev ? { dev: true } : {}), optional: true, ...platform };
    added += 1;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform entries to package-lock.json`);
