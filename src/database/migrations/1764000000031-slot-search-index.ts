import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Slot search reads each station's live sessions in a window. The station exclusion constraint's
 * GiST index answers that, but its leaf pages scatter one station's rows across the index; a
 * btree on (station_id, starts_at) keeps them together, so the read stays a few pages however
 * large the history grows. A range scan on starts_at needs a bound on how long a session can
 * hold its station: a call lasts at most 240 minutes and the hub buffer is at most 240 minutes,
 * so the hold (occupied_until − starts_at) is at most 8 hours — now also a CHECK.
 */
export class SlotSearchIndex1764000000031 implements MigrationInterface {
  name = 'SlotSearchIndex1764000000031';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sessions ADD CONSTRAINT sessions_station_hold_bounded CHECK (occupied_until - starts_at <= interval '8 hours')`);
    await db.query(`CREATE INDEX sessions_station_live_starts_idx ON sessions (station_id, starts_at) WHERE status <> 'cancelled'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS sessions_station_live_starts_idx`);
    await db.query(`ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_station_hold_bounded`);
  }
}
