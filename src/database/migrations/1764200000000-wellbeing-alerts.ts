import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wellbeing checks (one per session, after the call or a decline), the alerts the distress rules
 * raise from them, their evidence and follow-ups, per-hub rule settings, the round-robin turn of
 * a hub's counselors, and the history of call-plan changes (for the child's timeline).
 */
export class WellbeingAlerts1764200000000 implements MigrationInterface {
  name = 'WellbeingAlerts1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE wellbeing_checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions(id),
        child_id uuid NOT NULL REFERENCES children(id),
        hub_id uuid NOT NULL REFERENCES hubs(id),
        session_outcome text NOT NULL CHECK (session_outcome IN ('completed', 'declined')),
        status text NOT NULL CHECK (status IN ('answered', 'skipped')),
        instrument_version smallint NOT NULL,
        feeling_now smallint CHECK (feeling_now BETWEEN 1 AND 5),
        call_feeling smallint CHECK (call_feeling BETWEEN 1 AND 5),
        thermometer smallint CHECK (thermometer BETWEEN 0 AND 10),
        wants_to_talk boolean,
        skip_reason text,
        distress_seen boolean,
        safety_concern boolean,
        observation_note text CHECK (observation_note IS NULL OR length(observation_note) <= 2000),
        score numeric(4, 2),
        distress text CHECK (distress IN ('none', 'mild', 'high')),
        recorded_by uuid NOT NULL REFERENCES users(id),
        recorded_at timestamptz NOT NULL,
        CONSTRAINT wellbeing_checks_one_per_session UNIQUE (session_id),
        CONSTRAINT wellbeing_checks_answered_complete CHECK (
          status <> 'answered' OR (feeling_now IS NOT NULL AND thermometer IS NOT NULL AND wants_to_talk IS NOT NULL
                                   AND score IS NOT NULL AND distress IS NOT NULL AND skip_reason IS NULL)),
        CONSTRAINT wellbeing_checks_skipped_has_reason CHECK (
          status <> 'skipped' OR (skip_reason IS NOT NULL AND feeling_now IS NULL AND score IS NULL)),
        CONSTRAINT wellbeing_checks_observation_complete CHECK ((distress_seen IS NULL) = (safety_concern IS NULL))
      )`);
    // The rules read a child's last few checks: one index range, however long the history.
    await db.query(`CREATE INDEX wellbeing_checks_child_idx ON wellbeing_checks (child_id, recorded_at DESC, id DESC)`);

    // Marks a check or a decline as evaluated: the first evaluation inserts the row, any later
    // one (the durable job after the in-process run, a retry) finds it and does nothing.
    await db.query(`
      CREATE TABLE alert_evaluations (
        subject_type text NOT NULL CHECK (subject_type IN ('check', 'decline')),
        subject_id uuid NOT NULL,
        evaluated_at timestamptz NOT NULL,
        findings smallint NOT NULL,
        PRIMARY KEY (subject_type, subject_id)
      )`);

    // Per-hub overrides of the deployment's rule settings and SLA; `version` counts changes.
    await db.query(`
      CREATE TABLE hub_alert_settings (
        hub_id uuid PRIMARY KEY REFERENCES hubs(id),
        rule_overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
        sla_high_hours integer CHECK (sla_high_hours BETWEEN 1 AND 720),
        sla_normal_hours integer CHECK (sla_normal_hours BETWEEN 1 AND 720),
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Whose turn it is among a hub's counselors for alerts of children without an assigned one.
    await db.query(`
      CREATE TABLE hub_alert_turns (
        hub_id uuid PRIMARY KEY REFERENCES hubs(id),
        last_counselor_id uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id uuid NOT NULL REFERENCES children(id),
        hub_id uuid NOT NULL REFERENCES hubs(id),
        rule text NOT NULL CHECK (rule IN ('help_requested', 'persistent_distress', 'repeated_declines', 'declining_trend')),
        rule_version integer NOT NULL,
        severity text NOT NULL CHECK (severity IN ('normal', 'high')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
        reason text NOT NULL,
        settings jsonb NOT NULL,
        settings_version integer NOT NULL,
        assigned_counselor_id uuid REFERENCES users(id),
        due_by timestamptz NOT NULL,
        escalated_at timestamptz,
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES users(id),
        resolved_at timestamptz,
        resolved_by uuid REFERENCES users(id),
        outcome text CHECK (outcome IS NULL OR length(outcome) <= 2000),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alerts_acknowledged_complete CHECK (status = 'open' OR acknowledged_at IS NOT NULL),
        CONSTRAINT alerts_resolved_complete CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND outcome IS NOT NULL))
      )`);
    // One open (not resolved) alert per child and rule: new evidence joins it.
    await db.query(`CREATE UNIQUE INDEX alerts_one_open_per_child_rule ON alerts (child_id, rule) WHERE status <> 'resolved'`);
    await db.query(`CREATE INDEX alerts_hub_live_idx ON alerts (hub_id, created_at DESC) WHERE status <> 'resolved'`);
    await db.query(`CREATE INDEX alerts_hub_created_idx ON alerts (hub_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX alerts_child_idx ON alerts (child_id, created_at DESC)`);
    await db.query(`CREATE INDEX alerts_assigned_live_idx ON alerts (assigned_counselor_id) WHERE status <> 'resolved'`);

    await db.query(`
      CREATE TABLE alert_evidence (
        alert_id uuid NOT NULL REFERENCES alerts(id),
        check_id uuid REFERENCES wellbeing_checks(id),
        session_id uuid REFERENCES sessions(id),
        added_at timestamptz NOT NULL,
        CONSTRAINT alert_evidence_one_subject CHECK (num_nonnulls(check_id, session_id) = 1)
      )`);
    await db.query(`CREATE UNIQUE INDEX alert_evidence_check_unique ON alert_evidence (alert_id, check_id) WHERE check_id IS NOT NULL`);
    await db.query(`CREATE UNIQUE INDEX alert_evidence_session_unique ON alert_evidence (alert_id, session_id) WHERE session_id IS NOT NULL`);

    await db.query(`
      CREATE TABLE alert_follow_ups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alert_id uuid NOT NULL REFERENCES alerts(id),
        child_id uuid NOT NULL REFERENCES children(id),
        action text NOT NULL CHECK (action IN ('called_guardian', 'met_child', 'mediated_call_booked', 'referred', 'call_plan_changed', 'other')),
        note text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX alert_follow_ups_alert_idx ON alert_follow_ups (alert_id, created_at)`);
    await db.query(`CREATE INDEX alert_follow_ups_child_idx ON alert_follow_ups (child_id, created_at DESC)`);

    await db.query(`
      CREATE TABLE call_plan_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id uuid NOT NULL REFERENCES children(id),
        paused boolean NOT NULL,
        max_calls_per_week smallint,
        mediated_only boolean NOT NULL,
        advice_for_parent text,
        changed_by uuid NOT NULL REFERENCES users(id),
        changed_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX call_plan_changes_child_idx ON call_plan_changes (child_id, changed_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'call_plan_changes', 'alert_follow_ups', 'alert_evidence', 'alerts', 'hub_alert_turns', 'hub_alert_settings', 'alert_evaluations', 'wellbeing_checks',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
