import { Injectable } from '@nestjs/common';
import { INSTRUMENT_V1, type CheckedSessionOutcome, type FieldError, type Observation, parseAnswers, parseObservation, scoreAnswers } from '@app/distress-rules';
import { AlertEvaluations } from '../alerts/alert-evaluations';
import { AlertSettings } from '../alerts/alert-settings';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ConsentService } from '../consent/consent.service';
import { Transactions } from '../database/transaction';
import { WellbeingCheckDto, WellbeingCheckInputDto } from './dto/wellbeing-check.dto';
import { CheckRow, WellbeingChecksRepository } from './wellbeing-checks.repository';

const CHECKABLE: readonly string[] = ['completed', 'declined'] satisfies CheckedSessionOutcome[];

/**
 * The post-call (or post-decline) wellbeing check. Stored with its score and distress, and on the
 * same transaction its rule evaluation is queued; after the commit it is evaluated here at once,
 * so a counselor's open inbox hears of an alert within milliseconds.
 */
@Injectable()
export class WellbeingService {
  constructor(
    private readonly transactions: Transactions,
    private readonly checks: WellbeingChecksRepository,
    private readonly consents: ConsentService,
    private readonly settings: AlertSettings,
    private readonly evaluations: AlertEvaluations,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async record(actor: Actor, sessionId: string, input: WellbeingCheckInputDto): Promise<WellbeingCheckDto> {
    if (input.answers !== undefined && input.skipped !== undefined) {
      throw invalid([{ field: 'skipped', message: 'send either answers or skipped, not both' }]);
    }
    const row = await this.transactions.run(async (tx) => {
      const session = await this.checks.lockSession(tx, sessionId);
      if (!session || !canSeeHub(actor, session.hubId)) throw notFound('Session');
      if (!CHECKABLE.includes(session.status)) {
        throw new DomainError('SESSION_NOT_FINISHED', `The session is ${session.status}; a wellbeing check follows a completed call or a decline`, {
          currentStatus: session.status,
        });
      }
      const outcome = session.status as CheckedSessionOutcome;
      const answers = input.answers ? parseAnswers({ ...input.answers }, { afterDecline: outcome === 'declined' }) : undefined;
      const observation = input.observation ? parseObservation({ ...input.observation }) : undefined;
      const errors = [...(answers && !answers.ok ? answers.errors : []), ...(observation && !observation.ok ? observation.errors : [])];
      if (errors.length > 0) throw invalid(errors);
      await this.consents.assertConsent(tx, session.childId, session.guardianId, 'wellbeing_check');
      if (await this.checks.existsFor(tx, session.id)) {
        throw new DomainError('WELLBEING_CHECK_EXISTS', 'This session already has its wellbeing check (one per session)');
      }
      const parsedAnswers = answers?.ok ? answers.answers : null;
      const parsedObservation: Observation | null = observation?.ok ? observation.observation : null;
      const { settings } = await this.settings.forHub(tx, session.hubId);
      const score = parsedAnswers ? scoreAnswers(parsedAnswers, settings.scoring, parsedObservation) : null;
      const check = await this.checks.insert(tx, {
        session,
        outcome,
        answers: parsedAnswers,
        skipReason: input.skipped?.reason ?? null,
        observation: parsedObservation,
        score: score?.score ?? null,
        distress: score?.distress ?? null,
        instrumentVersion: INSTRUMENT_V1.version,
        recordedBy: actor.id,
        recordedAt: this.clock.now().toJSDate(),
      });
      await this.audit.record(tx, {
        action: 'wellbeing_check.create',
        objectType: 'wellbeing_check',
        objectId: check.id,
        childId: session.childId,
        hubId: session.hubId,
        details: { sessionId: session.id, status: check.status, distress: check.distress, instrumentVersion: check.instrument_version },
      });
      await this.evaluations.queue(tx, { subject: 'check', id: check.id });
      return { check, notices: await this.evaluations.evaluateWithin(tx, { subject: 'check', id: check.id }) };
    });
    this.evaluations.announce(row.notices);
    return toDto(row.check);
  }
}

function invalid(errors: readonly FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', 'One or more fields are invalid', { errors: errors.map((e) => ({ field: e.field, messages: [e.message] })) });
}

export function toDto(row: CheckRow): WellbeingCheckDto {
  return {
    id: row.id,
    sessionId: row.session_id,
    childId: row.child_id,
    sessionOutcome: row.session_outcome,
    status: row.status,
    instrumentVersion: row.instrument_version,
    answers:
      row.status === 'answered'
        ? { feelingNow: row.feeling_now!, callFeeling: row.call_feeling, thermometer: row.thermometer!, wantsToTalk: row.wants_to_talk! }
        : null,
    skipReason: row.skip_reason,
    observation:
      row.distress_seen === null ? null : { distressSeen: row.distress_seen, safetyConcern: row.safety_concern === true, note: row.observation_note },
    score: row.score === null ? null : Number(row.score),
    distress: row.distress,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at.toISOString(),
  };
}
