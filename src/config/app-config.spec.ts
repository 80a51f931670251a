import { ConfigError, loadConfig } from './app-config';

const secret = 'x'.repeat(40);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/kinbridge');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs embedded with defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/kinbridge');
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      dataDir: '/srv/kinbridge/.data',
      demoData: false,
      notify: { transport: 'log' },
      databasePoolSize: 20,
      defaultTimeZone: 'Asia/Shanghai',
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres: or postgresql: URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'postgres://h/db' }, /JWT_SECRET is required when DATABASE_URL is set/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32/],
    [{ ADMIN_EMAIL: 'a@b.org' }, /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'long enough password' }, /ADMIN_EMAIL is not an email/],
    [{ ADMIN_EMAIL: 'a@b.org', ADMIN_PASSWORD: 'short' }, /ADMIN_PASSWORD must be at least 12/],
    [{ DEMO_DATA: 'yes' }, /DEMO_DATA must be 1 or 0/],
    [{ NOTIFY_TRANSPORT: 'sms' }, /NOTIFY_TRANSPORT must be/],
    [{ NOTIFY_TRANSPORT: 'webhook' }, /NOTIFY_WEBHOOK_URL is required/],
    [{ NOTIFY_WEBHOOK_URL: 'ftp://x' }, /NOTIFY_WEBHOOK_URL must be a http: or https: URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DEFAULT_TIME_ZONE: 'Mars/Olympus' }, /DEFAULT_TIME_ZONE is not an IANA time zone/],
    [{ TURN_URLS: 'turn:turn.example.org:3478' }, /TURN_SECRET is required/],
    [{ STUN_URLS: 'http://x' }, /STUN_URLS entries must start with/],
    [{ TURN_URLS: 'turn:turn.example.org:3478', TURN_SECRET: 'short' }, /TURN_SECRET must be at least 16/],
    [{ TURN_SECRET: 'a-long-enough-turn-secret' }, /TURN_SECRET is set but TURN_URLS is not/],
    [{ TURN_URLS: 'turn:a, http://b', TURN_SECRET: 'a-long-enough-turn-secret' }, /TURN_URLS entries must start with turn: or turns: \(got "http:\/\/b"\)/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must be a redis: or rediss: URL/],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE must be a whole number from 1 to 500/],
    [{ DATABASE_POOL_SIZE: 'ten' }, /DATABASE_POOL_SIZE must be a whole number/],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY=true would believe any client/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list .*"yes"/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be .*"10.0.0.0\/33"/],
    [{ TRUST_PROXY: 'loopback, 10.0.0.0/0' }, /TRUST_PROXY must be .*"10.0.0.0\/0"/],
    [{ TRUST_PROXY: '10.0.0.0/255.0.255.0' }, /TRUST_PROXY must be .*"10.0.0.0\/255.0.255.0"/],
    [{ TRUST_PROXY: 'loopback,,uniquelocal' }, /TRUST_PROXY must be .*\(bad: ""\)/],
    [{ TRUST_PROXY: '10.1.2' }, /TRUST_PROXY must be .*"10.1.2"/],
    [{ TRUST_PROXY: '101' }, /TRUST_PROXY must be at most 100 hops/],
  ])('names the bad variable: %j', (env, message) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toMatch(message);
  });

  it.each<[string | undefined, unknown]>([
    [undefined, ['loopback']],
    ['false', false],
    ['0', 0],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, uniquelocal,linklocal', ['loopback', 'uniquelocal', 'linklocal']],
    ['10.0.0.1, 10.0.0.0/8,192.168.0.0/255.255.0.0', ['10.0.0.1', '10.0.0.0/8', '192.168.0.0/255.255.0.0']],
    ['2001:db8::1,2001:db8::/32,::ffff:10.0.0.1', ['2001:db8::1', '2001:db8::/32', '::ffff:10.0.0.1']],
  ])('reads TRUST_PROXY=%s as Express takes it', (raw, trustProxy) => {
    expect(loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }, '/srv/kinbridge').trustProxy).toEqual(trustProxy);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: '-1', LOG_LEVEL: 'loud', DEMO_DATA: 'maybe' });
    expect(problems).toHaveLength(3);
  });

  it('accepts a complete server configuration', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/kinbridge',
      JWT_SECRET: secret,
      ADMIN_EMAIL: 'Admin@Example.org',
      ADMIN_PASSWORD: 'a long admin password',
      DEMO_DATA: '1',
      NOTIFY_TRANSPORT: 'webhook',
      NOTIFY_WEBHOOK_URL: 'https://gateway.example.org/hook',
      NOTIFY_WEBHOOK_SECRET: 'webhook-secret-123456',
      STUN_URLS: 'stun:stun.example.org:3478',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      TURN_SECRET: 'turn-secret-0123456789',
      KINBRIDGE_DATA_DIR: '/var/lib/kinbridge',
      DATABASE_POOL_SIZE: '8',
    });
    expect(config).toMatchObject({
      port: 8080,
      admin: { email: 'admin@example.org' },
      demoData: true,
      dataDir: '/var/lib/kinbridge',
      databasePoolSize: 8,
      ice: { stunUrls: ['stun:stun.example.org:3478'], turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'] },
    });
  });
});
