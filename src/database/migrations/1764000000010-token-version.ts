import { MigrationInterface, QueryRunner } from 'typeorm';

export class TokenVersion1764000000010 implements MigrationInterface {
  name = 'TokenVersion1764000000010';

  async up(db: QueryRunner): Promise<void> {
    // Access tokens carry the version they were issued under (`ver`); bumping it signs out every
    // token issued before (phone change, password reset, disable, "log out everywhere").
    await db.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE guardians ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
    // A disabled guardian cannot sign in: the guard refuses their tokens and OTP treats their phone as unknown.
    await db.query(`ALTER TABLE guardians ADD COLUMN disabled_at timestamptz`);
    // Free text stays out of the append-only audit log (it could never be erased); the reason lives on the link.
    await db.query(`ALTER TABLE child_guardian_links ADD COLUMN revoke_reason text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE child_guardian_links DROP COLUMN IF EXISTS revoke_reason`);
    await db.query(`ALTER TABLE guardians DROP COLUMN IF EXISTS disabled_at`);
    await db.query(`ALTER TABLE guardians DROP COLUMN IF EXISTS token_version`);
    await db.query(`ALTER TABLE users DROP COLUMN IF EXISTS token_version`);
  }
}
