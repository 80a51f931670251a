import { isIP, isIPv4 } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { IANAZone } from 'luxon';

export type NotifyTransport = 'log' | 'webhook';

/**
 * Express's `trust proxy`: whom to believe about the client's address in X-Forwarded-For.
 * `false` trusts no one, a number trusts that many hops, a list trusts those addresses, CIDR
 * ranges and named ranges (`loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = false | number | string[];

export interface AppConfig {
  port: number;
  host: string;
  /** Unset → the app runs its own embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Unset only when embedded: then generated once and kept in `dataDir`. */
  jwtSecret?: string;
  admin?: { email: string; password: string };
  demoData: boolean;
  logLevel: string;
  trustProxy: TrustProxy;
  notify: {
    transport: NotifyTransport;
    webhookUrl?: string;
    webhookSecret?: string;
    maxAttempts: number;
    /** Base delay before a failed delivery is retried; pg-boss doubles it (with jitter) each time. */
    retryDelaySeconds: number;
  };
  /** Connections the app's pool keeps to PostgreSQL at most (pg-boss has its own 5). */
  databasePoolSize: number;
  jobs: {
    /** PostgreSQL schema of the pg-boss tables. */
    schema: string;
    /** How often an idle worker polls its queue (pg-boss 10 allows 0.5 s at least). */
    pollingIntervalSeconds: number;
  };
  redisUrl?: string;
  ice: { stunUrls: string[]; turnUrls: string[]; turnSecret?: string };
  defaultTimeZone: string;
  alerts: {
    /** How long an alert may stay unacknowledged before it escalates (per-hub overrides in hub_alert_settings). */
    slaHours: { high: number; normal: number };
    /** The deployment's distress-rule settings (DISTRESS_RULES, JSON), layered over the built-in defaults. */
    ruleSettings: Record<string, unknown>;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once, naming every bad variable at the same time. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${parsed.protocol}")`);
      }
      return raw;
    } catch {
      problems.push(`${name} is not a valid URL`);
      return undefined;
    }
  };
  const urlList = (name: string, protocols: string[]): string[] => {
    const raw = text(name);
    if (raw === undefined) return [];
    return raw.split(',').map((item) => item.trim()).filter((item) => {
      const ok = protocols.some((p) => item.startsWith(p));
      if (!ok) problems.push(`${name} entries must start with ${protocols.join(' or ')} (got "${item}")`);
      return ok;
    });
  };

  const port = integer('PORT', 3000, 0, 65535);
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const rawDataDir = text('KINBRIDGE_DATA_DIR') ?? '.data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(cwd, rawDataDir);

  const jwtSecret = text('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters long');
  }
  if (databaseUrl !== undefined && jwtSecret === undefined) {
    problems.push('JWT_SECRET is required when DATABASE_URL is set (it is generated only for the embedded database)');
  }

  const adminEmail = text('ADMIN_EMAIL');
  const adminPassword = text('ADMIN_PASSWORD');
  let admin: AppConfig['admin'];
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  } else if (adminEmail !== undefined && adminPassword !== undefined) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(adminEmail)) problems.push('ADMIN_EMAIL is not an email address');
    if (adminPassword.length < 12) problems.push('ADMIN_PASSWORD must be at least 12 characters long');
    admin = { email: adminEmail.toLowerCase(), password: adminPassword };
  }

  const demo = text('DEMO_DATA');
  if (demo !== undefined && !['0', '1', 'true', 'false'].includes(demo)) {
    problems.push(`DEMO_DATA must be 1 or 0 (got "${demo}")`);
  }

  const transport = (text('NOTIFY_TRANSPORT') ?? 'log') as NotifyTransport;
  if (!['log', 'webhook'].includes(transport)) {
    problems.push(`NOTIFY_TRANSPORT must be "log" or "webhook" (got "${transport}")`);
  }
  const webhookUrl = url('NOTIFY_WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = text('NOTIFY_WEBHOOK_SECRET');
  if (transport === 'webhook') {
    if (webhookUrl === undefined) problems.push('NOTIFY_WEBHOOK_URL is required when NOTIFY_TRANSPORT=webhook');
    if (webhookSecret === undefined || webhookSecret.length < 16) {
      problems.push('NOTIFY_WEBHOOK_SECRET (at least 16 characters) is required when NOTIFY_TRANSPORT=webhook');
    }
  }

  const jobsSchema = text('JOBS_SCHEMA') ?? 'pgboss';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(jobsSchema)) {
    problems.push(`JOBS_SCHEMA must be a lower-case SQL identifier (got "${jobsSchema}")`);
  }
  const rawPolling = text('JOBS_POLL_INTERVAL_SECONDS');
  const pollingIntervalSeconds = rawPolling === undefined ? 2 : Number(rawPolling);
  if (!Number.isFinite(pollingIntervalSeconds) || pollingIntervalSeconds < 0.5 || pollingIntervalSeconds > 60) {
    problems.push(`JOBS_POLL_INTERVAL_SECONDS must be a number from 0.5 to 60 (got "${rawPolling}")`);
  }

  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  const defaultTimeZone = text('DEFAULT_TIME_ZONE') ?? 'Asia/Shanghai';
  if (!IANAZone.isValidZone(defaultTimeZone)) problems.push(`DEFAULT_TIME_ZONE is not an IANA time zone`);

  const ruleSettings = parseRuleSettings(text('DISTRESS_RULES'), problems);

  const trustProxy = parseTrustProxy(text('TRUST_PROXY'), problems);

  const turnUrls = urlList('TURN_URLS', ['turn:', 'turns:']);
  const turnSecret = text('TURN_SECRET');
  if (turnUrls.length > 0 && turnSecret === undefined) problems.push('TURN_SECRET is required when TURN_URLS is set');
  if (turnSecret !== undefined && turnSecret.length < 16) problems.push('TURN_SECRET must be at least 16 characters long');
  if (turnSecret !== undefined && turnUrls.length === 0) problems.push('TURN_SECRET is set but TURN_URLS is not (the secret would never be used)');

  const config: AppConfig = {
    port,
    host: text('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir,
    jwtSecret,
    admin,
    demoData: demo === '1' || demo === 'true',
    logLevel,
    trustProxy,
    notify: {
      transport,
      webhookUrl,
      webhookSecret,
      maxAttempts: integer('NOTIFY_MAX_ATTEMPTS', 8, 1, 50),
      retryDelaySeconds: integer('NOTIFY_RETRY_DELAY_SECONDS', 5, 1, 3600),
    },
    databasePoolSize: integer('DATABASE_POOL_SIZE', 20, 1, 500),
    jobs: { schema: jobsSchema, pollingIntervalSeconds },
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    ice: { stunUrls: urlList('STUN_URLS', ['stun:', 'stuns:']), turnUrls, turnSecret },
    defaultTimeZone,
    alerts: {
      slaHours: { high: integer('ALERT_SLA_HIGH_HOURS', 4, 1, 720), normal: integer('ALERT_SLA_NORMAL_HOURS', 48, 1, 720) },
      ruleSettings,
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * DISTRESS_RULES: a JSON object of setting groups, e.g. {"persistentDistress":{"windowDays":21}}. Its
 * members are checked against the rules lib when the alerts feature starts (AlertSettings).
 */
function parseRuleSettings(raw: string | undefined, problems: string[]): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push('DISTRESS_RULES must be a JSON object');
  return {};
}

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const MAX_PROXY_HOPS = 100;

/** What Express accepts, checked here so a typo stops the start instead of failing on the first request. */
function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  if (raw === undefined) return ['loopback'];
  if (raw === 'false') return false;
  if (raw === 'true') {
    problems.push(
      'TRUST_PROXY=true would believe any client about its own address (and so defeat per-address limits); ' +
        'give the number of proxy hops or the proxies\' addresses instead',
    );
    return false;
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > MAX_PROXY_HOPS) problems.push(`TRUST_PROXY must be at most ${MAX_PROXY_HOPS} hops (got "${raw}")`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isTrustEntry(entry));
  if (bad.length > 0) {
    problems.push(
      'TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list of IP addresses, CIDR ranges ' +
        `(e.g. 10.0.0.0/8) and loopback, linklocal or uniquelocal (bad: ${bad.map((entry) => `"${entry}"`).join(', ')})`,
    );
  }
  return entries;
}

function isTrustEntry(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address, range, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) {
    const bits = Number(range);
    return bits >= 1 && bits <= (version === 4 ? 32 : 128);
  }
  return version === 4 && isIPv4(range) && isNetmask(range);
}

/** A dotted IPv4 netmask: ones then zeros, at least one one (as proxy-addr requires). */
function isNetmask(mask: string): boolean {
  const bits = mask.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
  const inverted = 0xffffffff - bits;
  return bits !== 0 && (inverted & (inverted + 1)) === 0;
}
