import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a source file belongs: an npm package, the app (dist/src/… or libs/…), or node itself. */
function owner(url: string): string {
  if (!url) return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  if (pkg && !url.includes('.cache/kinbridge-bench-booking')) return pkg[1];
  const app = /kinbridge-bench-booking\/dist\/((?:src|libs)\/[^/]+)/.exec(url);
  if (app) return `app: ${app[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return url;
}

const COMPONENTS: [string, RegExp][] = [
  ['pg driver (incl. socket writes)', /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//],
  ['typeorm', /node_modules\/typeorm\//],
  ['pg-boss', /node_modules\/pg-boss\//],
  ['logging (pino, pino-http, nestjs-pino)', /node_modules\/(pino|pino-http|nestjs-pino|sonic-boom|thread-stream|fast-redact|safe-stable-stringify)\//],
  ['JWT verify (jsonwebtoken)', /node_modules\/(jsonwebtoken|jws|jwa|@nestjs\/jwt)\//],
  ['validation (class-validator/-transformer)', /node_modules\/(class-validator|class-transformer|validator)\//],
  ['luxon (time zones)', /node_modules\/luxon\//],
  ['metrics (prom-client)', /node_modules\/prom-client\/|dist\/src\/metrics\//],
  ['express, router, body-parser', /node_modules\/(express|router|body-parser|raw-body|iconv-lite|type-is|content-type|on-finished|finalhandler|send|qs)\//],
  ['Nest core', /node_modules\/@nestjs\/(core|common|platform-express)\//],
  ['benchmark probe', /pg-probe\.cjs/],
  ['app: scheduling-core', /dist\/libs\/scheduling-core\//],
  ['app: other src', /dist\/src\//],
];

/** Self time by owner (package / app folder) and the hottest functions of a .cpuprofile. */
export async function summarizeProfile(file: string, top = 15): Promise<string[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Counted in samples, not in time deltas: on a busy machine the sampler is descheduled too, and a
  // long delta would be charged to whatever happened to be on the stack. Samples taken inside the
  // profiler's own calls (node:inspector) are left out.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number) => {
    const frames: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!);
    return frames;
  };
  const kept = profile.samples.filter((id) => !stackOf(id).some((f) => f.callFrame.url === 'node:inspector'));
  const selfUs = new Map<number, number>();
  for (const id of kept) selfUs.set(id, (selfUs.get(id) ?? 0) + 1);
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    const who = owner(node.callFrame.url);
    owners.set(who, (owners.get(who) ?? 0) + us);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${who}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  // By component: each busy sample goes to the innermost frame that belongs to a known component
  // (so a socket write under pg counts for pg, JSON.stringify under pino for logging).
  const components = new Map<string, number>();
  for (const id of kept) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    let name = 'other (node internals, app code, native)';
    for (const frame of stackOf(id)) {
      const hit = COMPONENTS.find(([, re]) => re.test(frame.callFrame.url));
      if (hit) {
        name = hit[0];
        break;
      }
    }
    components.set(name, (components.get(name) ?? 0) + 1);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`CPU profile ${file}: ${busy} busy samples of ${total}`, 'self time by package / app folder:'];
  for (const [who, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${who}`);
  lines.push('by component (innermost frame):');
  for (const [name, n] of [...components].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(n)}  ${name}`);
  lines.push('hottest functions (self time):');
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${name}`);
  return lines;
}
