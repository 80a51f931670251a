import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hashPassword } from '../auth/password';
import { validateWeeklyRules } from '../common/weekly-rules';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { DEMO_CHILDREN, DEMO_GUARDIANS, DEMO_HUB, DEMO_PASSWORD, DEMO_USERS } from './demo-data';

const SEED_LOCK = 7_460_221_002;

/** Seeds the demo hub once (DEMO_DATA=1); safe when several instances start together. */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeeder');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    const seeded = await this.transactions.run(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      const existing = await tx.query('SELECT 1 FROM hubs WHERE name = $1', [DEMO_HUB.name]);
      if (existing.length > 0) return false;
      await this.seed(tx);
      return true;
    });
    if (seeded) this.logger.log(`Demo data seeded: sign in as ${DEMO_USERS.map((u) => u.email).join(', ')}`);
  }

  private async seed(tx: EntityManager): Promise<void> {
    const [hub] = await tx.query(`INSERT INTO hubs (name, time_zone, minimum_notice_minutes) VALUES ($1, $2, $3) RETURNING id`, [
      DEMO_HUB.name,
      DEMO_HUB.timeZone,
      DEMO_HUB.minimumNoticeMinutes,
    ]);
    for (const name of DEMO_HUB.stations) await tx.query(`INSERT INTO stations (hub_id, name) VALUES ($1, $2)`, [hub.id, name]);
    for (const rule of validateWeeklyRules(DEMO_HUB.openingHours)) {
      await tx.query(`INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)`, [
        hub.id,
        rule.weekday,
        rule.startMinute,
        rule.endMinute,
      ]);
    }

    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const userIds: Record<string, string> = {};
    for (const user of DEMO_USERS) {
      const [row] = await tx.query(
        `INSERT INTO users (email, password_hash, display_name, role, locale) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
        [user.email, passwordHash, user.displayName, user.role, user.locale],
      );
      userIds[user.role] = row.id;
      if (user.role !== 'admin') {
        await tx.query(`INSERT INTO user_hubs (user_id, hub_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [row.id, hub.id]);
      }
    }

    const guardianIds: Record<string, string> = {};
    for (const guardian of DEMO_GUARDIANS) {
      const [row] = await tx.query(
        `INSERT INTO guardians (hub_id, display_name, phone, time_zone) VALUES ($1, $2, $3, $4)
         ON CONFLICT (phone) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
        [hub.id, guardian.displayName, guardian.phone, guardian.timeZone],
      );
      guardianIds[guardian.key] = row.id;
      await tx.query(`DELETE FROM guardian_availability WHERE guardian_id = $1`, [row.id]);
      for (const window of validateWeeklyRules(guardian.windows, 'windows')) {
        await tx.query(
          `INSERT INTO guardian_availability (guardian_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)`,
          [row.id, window.weekday, window.startMinute, window.endMinute],
        );
      }
    }

    for (const child of DEMO_CHILDREN) {
      const [row] = await tx.query(
        `INSERT INTO children (hub_id, display_name, birth_date, counselor_id, caregiver_name, caregiver_relation, caregiver_phone)
         VALUES ($1, $2, $3, $4, '奶奶 Grandma', 'grandmother', '+8613900000099') RETURNING id`,
        [hub.id, child.displayName, child.birthDate, userIds.counselor],
      );
      const guardianId = guardianIds[child.guardian];
      await tx.query(
        `INSERT INTO child_guardian_links (child_id, guardian_id, relationship, status, created_by, approved_by, approved_at)
         VALUES ($1, $2, $3, 'approved', $4, $4, now())`,
        [row.id, guardianId, child.relationship, userIds.hub_staff],
      );
      await tx.query(
        `INSERT INTO guardian_consents (child_id, guardian_id, scopes, policy_version, method, recorded_by)
         VALUES ($1, $2, ARRAY['video_call', 'wellbeing_check'], '2026-01', 'paper', $3)`,
        [row.id, guardianId, userIds.hub_staff],
      );
    }
    await this.audit.record(tx, { action: 'demo.seed', objectType: 'hub', objectId: hub.id, hubId: hub.id });
  }
}
