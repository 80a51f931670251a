import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the call records on its session: the child's assent (one per session, asked on the day),
 * the mediating counselor's first join, and how the call ended. Read by the calls feature, the
 * hub view, the wellbeing check (allowed after `completed` or `declined`) and the child's timeline.
 */
export class CallFacts1764100000000 implements MigrationInterface {
  name = 'CallFacts1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TYPE assent_response AS ENUM ('yes', 'not_today', 'no')`);
    await db.query(`
      ALTER TABLE sessions
        ADD COLUMN assent assent_response,
        ADD COLUMN assent_reason text,
        ADD COLUMN assent_recorded_by uuid REFERENCES users(id),
        ADD COLUMN assent_at timestamptz,
        ADD COLUMN counselor_joined_at timestamptz,
        ADD COLUMN end_reason text,
        ADD CONSTRAINT sessions_assent_complete CHECK ((assent IS NULL) = (assent_at IS NULL)),
        ADD CONSTRAINT sessions_assent_reason_length CHECK (assent_reason IS NULL OR length(assent_reason) <= 200)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE sessions
        DROP CONSTRAINT IF EXISTS sessions_assent_reason_length,
        DROP CONSTRAINT IF EXISTS sessions_assent_complete,
        DROP COLUMN IF EXISTS end_reason,
        DROP COLUMN IF EXISTS counselor_joined_at,
        DROP COLUMN IF EXISTS assent_at,
        DROP COLUMN IF EXISTS assent_recorded_by,
        DROP COLUMN IF EXISTS assent_reason,
        DROP COLUMN IF EXISTS assent`);
    await db.query(`DROP TYPE IF EXISTS assent_response`);
  }
}
