import { MigrationInterface, QueryRunner } from 'typeorm';

export class Scheduling1763900000000 implements MigrationInterface {
  name = 'Scheduling1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TYPE session_status AS ENUM
        ('booked', 'checked_in', 'declined', 'in_call', 'completed', 'cancelled', 'no_show_guardian', 'no_show_child')`);
    await db.query(`CREATE TYPE session_kind AS ENUM ('supervised', 'mediated')`);

    await db.query(`
      CREATE TABLE session_series (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hub_id uuid NOT NULL REFERENCES hubs(id),
        child_id uuid NOT NULL REFERENCES children(id),
        guardian_id uuid NOT NULL REFERENCES guardians(id),
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        local_time text NOT NULL CHECK (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        time_zone text NOT NULL,
        duration_minutes smallint NOT NULL CHECK (duration_minutes BETWEEN 5 AND 240),
        occurrences smallint NOT NULL CHECK (occurrences BETWEEN 1 AND 26),
        kind session_kind NOT NULL,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    // occupied_until = ends_at + the hub's buffer at booking time: the station stays blocked for
    // the post-call check. Stored (not computed in the constraint) because timestamptz + interval
    // is not IMMUTABLE and exclusion constraints need immutable expressions.
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hub_id uuid NOT NULL REFERENCES hubs(id),
        station_id uuid NOT NULL REFERENCES stations(id),
        child_id uuid NOT NULL REFERENCES children(id),
        guardian_id uuid NOT NULL REFERENCES guardians(id),
        supervisor_id uuid NOT NULL REFERENCES users(id),
        counselor_id uuid REFERENCES users(id),
        kind session_kind NOT NULL,
        series_id uuid REFERENCES session_series(id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        occupied_until timestamptz NOT NULL,
        status session_status NOT NULL DEFAULT 'booked',
        sequence integer NOT NULL DEFAULT 0,
        cancel_reason text,
        cancelled_by uuid,
        cancelled_at timestamptz,
        checked_in_at timestamptz,
        guardian_joined_at timestamptz,
        call_started_at timestamptz,
        call_ended_at timestamptz,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sessions_time_order CHECK (starts_at < ends_at AND ends_at <= occupied_until),
        CONSTRAINT sessions_mediated_has_counselor CHECK (kind = 'supervised' OR counselor_id IS NOT NULL),
        CONSTRAINT sessions_cancel_has_reason CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
        CONSTRAINT sessions_station_no_overlap EXCLUDE USING gist
          (station_id WITH =, tstzrange(starts_at, occupied_until, '[)') WITH &&) WHERE (status <> 'cancelled'),
        CONSTRAINT sessions_child_no_overlap EXCLUDE USING gist
          (child_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'cancelled'),
        CONSTRAINT sessions_guardian_no_overlap EXCLUDE USING gist
          (guardian_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'cancelled'),
        CONSTRAINT sessions_supervisor_no_overlap EXCLUDE USING gist
          (supervisor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'cancelled'),
        CONSTRAINT sessions_counselor_no_overlap EXCLUDE USING gist
          (counselor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status <> 'cancelled' AND counselor_id IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX sessions_hub_starts_idx ON sessions (hub_id, starts_at)`);
    await db.query(`CREATE INDEX sessions_child_starts_idx ON sessions (child_id, starts_at DESC)`);
    await db.query(`CREATE INDEX sessions_guardian_starts_idx ON sessions (guardian_id, starts_at DESC)`);
    await db.query(`CREATE INDEX sessions_series_idx ON sessions (series_id) WHERE series_id IS NOT NULL`);

    // One stored answer per (caller, route, key): a retried booking returns it and creates nothing.
    await db.query(`
      CREATE TABLE idempotency_keys (
        actor_id uuid NOT NULL,
        route text NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        request_hash text NOT NULL,
        status_code integer NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor_id, route, key)
      )`);
    await db.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    await db.query(`CREATE TYPE reschedule_request_status AS ENUM ('pending', 'approved', 'declined', 'withdrawn')`);
    await db.query(`
      CREATE TABLE reschedule_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id),
        guardian_id uuid NOT NULL REFERENCES guardians(id),
        proposed_starts_at timestamptz,
        note text,
        status reschedule_request_status NOT NULL DEFAULT 'pending',
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        decision_note text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE UNIQUE INDEX reschedule_requests_one_pending ON reschedule_requests (session_id) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS reschedule_requests`);
    await db.query(`DROP TYPE IF EXISTS reschedule_request_status`);
    await db.query(`DROP TABLE IF EXISTS idempotency_keys`);
    await db.query(`DROP TABLE IF EXISTS sessions`);
    await db.query(`DROP TABLE IF EXISTS session_series`);
    await db.query(`DROP TYPE IF EXISTS session_kind`);
    await db.query(`DROP TYPE IF EXISTS session_status`);
  }
}
