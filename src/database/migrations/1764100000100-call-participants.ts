import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who is in a call room, kept in the database rather than in a process: any instance (and a
 * rejoin after a dropped network) sees the same admission and presence. One row per person per
 * session; `socket_id` is the live socket, so a late disconnect of a replaced socket cannot mark
 * the participant gone.
 */
export class CallParticipants1764100000100 implements MigrationInterface {
  name = 'CallParticipants1764100000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TYPE call_role AS ENUM ('guardian', 'supervisor', 'counselor')`);
    await db.query(`CREATE TYPE call_participant_state AS ENUM ('waiting', 'admitted')`);
    await db.query(`
      CREATE TABLE call_participants (
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant_id uuid NOT NULL,
        role call_role NOT NULL,
        display_name text NOT NULL,
        state call_participant_state NOT NULL DEFAULT 'waiting',
        connected boolean NOT NULL DEFAULT false,
        socket_id text,
        first_joined_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        admitted_at timestamptz,
        removed_at timestamptz,
        PRIMARY KEY (session_id, participant_id),
        CONSTRAINT call_participants_socket_when_connected CHECK (connected = (socket_id IS NOT NULL))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS call_participants`);
    await db.query(`DROP TYPE IF EXISTS call_participant_state`);
    await db.query(`DROP TYPE IF EXISTS call_role`);
  }
}
