import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    await db.query(`
      CREATE TABLE hubs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
        buffer_minutes integer NOT NULL DEFAULT 10 CHECK (buffer_minutes BETWEEN 0 AND 240),
        minimum_notice_minutes integer NOT NULL DEFAULT 120 CHECK (minimum_notice_minutes BETWEEN 0 AND 20160),
        horizon_days integer NOT NULL DEFAULT 28 CHECK (horizon_days BETWEEN 1 AND 366),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE stations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hub_id uuid NOT NULL REFERENCES hubs(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        in_service boolean NOT NULL DEFAULT true,
        out_of_service_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stations_hub_name_unique UNIQUE (hub_id, name)
      )`);
    await db.query(`CREATE INDEX stations_hub_idx ON stations (hub_id)`);

    // Weekly rules in the owner's own zone (hub zone here, guardian zone for availability).
    await db.query(`
      CREATE TABLE hub_opening_hours (
        hub_id uuid NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
        end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
        CHECK (start_minute < end_minute),
        PRIMARY KEY (hub_id, weekday, start_minute)
      )`);

    await db.query(`CREATE TYPE user_role AS ENUM ('admin', 'hub_staff', 'counselor')`);
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        role user_role NOT NULL,
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_unique UNIQUE (email)
      )`);
    await db.query(`
      CREATE TABLE user_hubs (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        hub_id uuid NOT NULL REFERENCES hubs(id),
        PRIMARY KEY (user_id, hub_id)
      )`);
    await db.query(`CREATE INDEX user_hubs_hub_idx ON user_hubs (hub_id)`);

    await db.query(`
      CREATE TABLE guardians (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hub_id uuid REFERENCES hubs(id),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        phone text NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        time_zone text NOT NULL,
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        calendar_token text NOT NULL DEFAULT encode(gen_random_bytes(24), 'hex'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT guardians_phone_unique UNIQUE (phone)
      )`);
    await db.query(`CREATE INDEX guardians_hub_idx ON guardians (hub_id)`);
    await db.query(`
      CREATE TABLE guardian_availability (
        guardian_id uuid NOT NULL REFERENCES guardians(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
        end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
        CHECK (start_minute < end_minute),
        PRIMARY KEY (guardian_id, weekday, start_minute)
      )`);

    await db.query(`
      CREATE TABLE children (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hub_id uuid NOT NULL REFERENCES hubs(id),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        birth_date date NOT NULL,
        caregiver_name text,
        caregiver_relation text,
        caregiver_phone text CHECK (caregiver_phone IS NULL OR caregiver_phone ~ '^\\+[1-9][0-9]{6,14}$'),
        counselor_id uuid REFERENCES users(id),
        call_paused boolean NOT NULL DEFAULT false,
        call_max_per_week smallint CHECK (call_max_per_week IS NULL OR call_max_per_week BETWEEN 0 AND 21),
        call_mediated_only boolean NOT NULL DEFAULT false,
        call_advice text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX children_hub_idx ON children (hub_id)`);

    await db.query(`CREATE TYPE link_status AS ENUM ('pending', 'approved', 'revoked')`);
    await db.query(`
      CREATE TABLE child_guardian_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id uuid NOT NULL REFERENCES children(id),
        guardian_id uuid NOT NULL REFERENCES guardians(id),
        relationship text NOT NULL,
        status link_status NOT NULL DEFAULT 'pending',
        created_by uuid REFERENCES users(id),
        approved_by uuid REFERENCES users(id),
        approved_at timestamptz,
        revoked_by uuid REFERENCES users(id),
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT child_guardian_links_unique UNIQUE (child_id, guardian_id)
      )`);
    await db.query(`CREATE INDEX child_guardian_links_guardian_idx ON child_guardian_links (guardian_id)`);

    await db.query(`CREATE TYPE consent_method AS ENUM ('paper', 'in_person', 'digital')`);
    await db.query(`
      CREATE TABLE guardian_consents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id uuid NOT NULL REFERENCES children(id),
        guardian_id uuid NOT NULL REFERENCES guardians(id),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['video_call', 'wellbeing_check']),
        policy_version text NOT NULL,
        method consent_method NOT NULL,
        given_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid REFERENCES users(id),
        withdrawn_at timestamptz,
        withdrawn_by_user uuid REFERENCES users(id),
        withdrawn_by_guardian uuid REFERENCES guardians(id),
        withdrawal_reason text
      )`);
    await db.query(`CREATE INDEX guardian_consents_child_idx ON guardian_consents (child_id, guardian_id)`);

    // Append-only: the database itself refuses to rewrite history.
    await db.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'guardian', 'system')),
        actor_id uuid,
        actor_role text,
        action text NOT NULL,
        object_type text NOT NULL,
        object_id text,
        child_id uuid,
        hub_id uuid,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC)`);
    await db.query(`CREATE INDEX audit_log_child_idx ON audit_log (child_id, at DESC) WHERE child_id IS NOT NULL`);
    await db.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC)`);
    await db.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);

    await db.query(`CREATE TYPE notification_status AS ENUM ('pending', 'sent', 'failed')`);
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_type text NOT NULL CHECK (recipient_type IN ('guardian', 'user', 'phone')),
        recipient_id uuid,
        recipient_phone text,
        locale text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
        template text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        subject text NOT NULL,
        body text NOT NULL,
        status notification_status NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await db.query(`CREATE INDEX notifications_pending_idx ON notifications (created_at) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC)`);

    await db.query(`
      CREATE TABLE otp_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone text NOT NULL,
        code_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX otp_codes_phone_idx ON otp_codes (phone, created_at DESC)`);

    // Sliding-window counters shared by every instance (login and OTP throttling).
    await db.query(`
      CREATE TABLE rate_limit_events (
        bucket text NOT NULL,
        key text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX rate_limit_events_idx ON rate_limit_events (bucket, key, at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'rate_limit_events', 'otp_codes', 'notifications', 'audit_log', 'guardian_consents', 'child_guardian_links',
      'children', 'guardian_availability', 'guardians', 'user_hubs', 'users', 'hub_opening_hours', 'stations', 'hubs',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP FUNCTION IF EXISTS audit_log_is_append_only`);
    for (const type of ['notification_status', 'consent_method', 'link_status', 'user_role']) {
      await db.query(`DROP TYPE IF EXISTS ${type}`);
    }
  }
}
