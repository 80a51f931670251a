import { hash } from '@node-rs/argon2';
import { randomInt, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { StaffRole } from '../../src/common/auth/actor';
import { TokenService } from '../../src/common/auth/token.service';

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
const testPasswordHash = () => (passwordHash ??= hash(TEST_PASSWORD));

const unique = () => randomUUID().slice(0, 8);
export const randomPhone = () => `+86139${String(randomInt(0, 1e8)).padStart(8, '0')}`;

export interface HubRow { id: string; name: string; timeZone: string }
export interface UserRow { id: string; email: string; role: StaffRole; hubIds: string[]; token: string }
export interface GuardianRow { id: string; phone: string; timeZone: string; hubId: string | null; token: string }
export interface ChildRow { id: string; hubId: string; displayName: string }

/** Real rows for tests, written straight to the database (fast, and independent of the API under test). */
export class Factories {
  constructor(
    private readonly db: DataSource,
    private readonly tokens: TokenService,
  ) {}

  async newHub(input: { name?: string; timeZone?: string; bufferMinutes?: number; minimumNoticeMinutes?: number; horizonDays?: number } = {}): Promise<HubRow> {
    const name = input.name ?? `Hub ${unique()}`;
    const timeZone = input.timeZone ?? 'Asia/Shanghai';
    const [row] = await this.db.query(
      `INSERT INTO hubs (name, time_zone, buffer_minutes, minimum_notice_minutes, horizon_days)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [name, timeZone, input.bufferMinutes ?? 10, input.minimumNoticeMinutes ?? 120, input.horizonDays ?? 28],
    );
    return { id: row.id, name, timeZone };
  }

  async newStation(hubId: string, input: { name?: string; inService?: boolean } = {}): Promise<{ id: string; name: string }> {
    const name = input.name ?? `Booth ${unique()}`;
    const [row] = await this.db.query(`INSERT INTO stations (hub_id, name, in_service) VALUES ($1, $2, $3) RETURNING id`, [
      hubId,
      name,
      input.inService ?? true,
    ]);
    return { id: row.id, name };
  }

  /** Weekly opening hours in the hub's zone, e.g. [{ weekday: 1, start: '08:00', end: '20:00' }]. */
  async setOpeningHours(hubId: string, rules: { weekday: number; start: string; end: string }[]): Promise<void> {
    for (const rule of rules) {
      await this.db.query(`INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)`, [
        hubId,
        rule.weekday,
        minutes(rule.start),
        minutes(rule.end),
      ]);
    }
  }

  async newUser(role: StaffRole, hubIds: string[] = [], input: { email?: string; displayName?: string } = {}): Promise<UserRow> {
    const email = input.email ?? `${role}-${unique()}@example.org`;
    const [row] = await this.db.query(
      `INSERT INTO users (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4) RETURNING id`,
      [email, await testPasswordHash(), input.displayName ?? `${role} ${unique()}`, role],
    );
    for (const hubId of hubIds) await this.db.query(`INSERT INTO user_hubs (user_id, hub_id) VALUES ($1, $2)`, [row.id, hubId]);
    return { id: row.id, email, role, hubIds, token: this.tokens.signAccessToken(row.id, 'user', role).accessToken };
  }

  async newGuardian(input: { hubId?: string | null; phone?: string; timeZone?: string; displayName?: string; locale?: string } = {}): Promise<GuardianRow> {
    const phone = input.phone ?? randomPhone();
    const timeZone = input.timeZone ?? 'Asia/Shanghai';
    const hubId = input.hubId ?? null;
    const [row] = await this.db.query(
      `INSERT INTO guardians (hub_id, display_name, phone, time_zone, locale) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [hubId, input.displayName ?? `Parent ${unique()}`, phone, timeZone, input.locale ?? 'zh-CN'],
    );
    return { id: row.id, phone, timeZone, hubId, token: this.tokens.signAccessToken(row.id, 'guardian', 'guardian').accessToken };
  }

  async setAvailability(guardianId: string, windows: { weekday: number; start: string; end: string }[]): Promise<void> {
    for (const window of windows) {
      await this.db.query(
        `INSERT INTO guardian_availability (guardian_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)`,
        [guardianId, window.weekday, minutes(window.start), minutes(window.end)],
      );
    }
  }

  async newChild(hubId: string, input: { displayName?: string; birthDate?: string; counselorId?: string } = {}): Promise<ChildRow> {
    const displayName = input.displayName ?? `Child ${unique()}`;
    const [row] = await this.db.query(
      `INSERT INTO children (hub_id, display_name, birth_date, counselor_id, caregiver_name, caregiver_relation, caregiver_phone)
       VALUES ($1, $2, $3, $4, 'Grandma Li', 'grandmother', $5) RETURNING id`,
      [hubId, displayName, input.birthDate ?? '2016-05-01', input.counselorId ?? null, randomPhone()],
    );
    return { id: row.id, hubId, displayName };
  }

  async newLink(childId: string, guardianId: string, input: { status?: 'pending' | 'approved' | 'revoked'; relationship?: string } = {}): Promise<{ id: string }> {
    const [row] = await this.db.query(
      `INSERT INTO child_guardian_links (child_id, guardian_id, relationship, status, approved_at, revoked_at)
       VALUES ($1, $2, $3, $4::link_status, CASE WHEN $4::link_status = 'approved' THEN now() END,
               CASE WHEN $4::link_status = 'revoked' THEN now() END) RETURNING id`,
      [childId, guardianId, input.relationship ?? 'mother', input.status ?? 'approved'],
    );
    return { id: row.id };
  }

  async newConsent(childId: string, guardianId: string, scopes: string[] = ['video_call', 'wellbeing_check']): Promise<{ id: string }> {
    const [row] = await this.db.query(
      `INSERT INTO guardian_consents (child_id, guardian_id, scopes, policy_version, method) VALUES ($1, $2, $3, 'v1', 'paper') RETURNING id`,
      [childId, guardianId, scopes],
    );
    return { id: row.id };
  }

  /** A hub with two stations, a staff member, a counselor, a child and an approved, consenting guardian. */
  async newHubWorld(input: { timeZone?: string; guardianTimeZone?: string } = {}) {
    const hub = await this.newHub({ timeZone: input.timeZone });
    const stations = [await this.newStation(hub.id), await this.newStation(hub.id)];
    const staff = await this.newUser('hub_staff', [hub.id]);
    const counselor = await this.newUser('counselor', [hub.id]);
    const child = await this.newChild(hub.id, { counselorId: counselor.id });
    const guardian = await this.newGuardian({ hubId: hub.id, timeZone: input.guardianTimeZone });
    const link = await this.newLink(child.id, guardian.id);
    const consent = await this.newConsent(child.id, guardian.id);
    return { hub, stations, staff, counselor, child, guardian, link, consent };
  }

  /** A session of a hub world (`newHubWorld`): its first station, child, guardian and staff member as supervisor. */
  sessionOf(
    world: { hub: HubRow; stations: { id: string }[]; child: ChildRow; guardian: GuardianRow; staff: UserRow },
    input: Omit<Parameters<Factories['newSession']>[0], 'hubId' | 'stationId' | 'childId' | 'guardianId' | 'supervisorId'>,
  ): Promise<{ id: string; startsAt: Date; endsAt: Date }> {
    return this.newSession({
      hubId: world.hub.id,
      stationId: world.stations[0].id,
      childId: world.child.id,
      guardianId: world.guardian.id,
      supervisorId: world.staff.id,
      ...input,
    });
  }

  async newAdmin(): Promise<UserRow> {
    return this.newUser('admin');
  }

  /**
   * A session row written straight to the table (no booking rules, but the database's own
   * exclusion constraints still apply). Defaults: 30 minutes, booked, supervised, 10 min buffer.
   */
  async newSession(input: {
    hubId: string;
    stationId: string;
    childId: string;
    guardianId: string;
    supervisorId: string;
    startsAt: Date | string;
    durationMinutes?: number;
    status?: string;
    kind?: 'supervised' | 'mediated';
    counselorId?: string | null;
    bufferMinutes?: number;
    cancelReason?: string;
  }): Promise<{ id: string; startsAt: Date; endsAt: Date }> {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(startsAt.getTime() + (input.durationMinutes ?? 30) * 60_000);
    const occupiedUntil = new Date(endsAt.getTime() + (input.bufferMinutes ?? 10) * 60_000);
    const status = input.status ?? 'booked';
    const [row] = await this.db.query(
      `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, counselor_id, kind, starts_at, ends_at,
                             occupied_until, status, cancel_reason, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::session_status, $12, $5) RETURNING id`,
      [
        input.hubId,
        input.stationId,
        input.childId,
        input.guardianId,
        input.supervisorId,
        input.counselorId ?? null,
        input.kind ?? 'supervised',
        startsAt,
        endsAt,
        occupiedUntil,
        status,
        input.cancelReason ?? (status === 'cancelled' ? 'cancelled in a test' : null),
      ],
    );
    return { id: row.id, startsAt, endsAt };
  }
}

export function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}
