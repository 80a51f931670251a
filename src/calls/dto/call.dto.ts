import { ASSENT_RESPONSES, type AssentResponse, SESSION_STATUSES, type SessionStatus } from '@app/call-lifecycle';
import { CALL_END_REASONS, type CallRole } from '@app/realtime-protocol';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Optional } from '../../common/validation/field-rules';

/**
 * What a child may say when the answer is not "yes", as the kiosk offers it (pictures, no
 * reading). A fixed list: no free text about a child in a column many people read.
 */
export const ASSENT_REASONS = ['tired', 'busy_playing', 'feeling_sad', 'feeling_shy', 'wants_later', 'other'] as const;
export type AssentReason = (typeof ASSENT_REASONS)[number];

export class AssentDto {
  @ApiProperty({ enum: ASSENT_RESPONSES, description: 'The child’s own answer, asked on the day. Anything but `yes` ends the session as `declined`.' })
  @IsIn(ASSENT_RESPONSES, { message: `response must be one of ${ASSENT_RESPONSES.join(', ')}` })
  response!: AssentResponse;

  @ApiPropertyOptional({ enum: ASSENT_REASONS, description: 'What the child picked, only with `not_today` or `no`' })
  @Optional()
  @IsIn(ASSENT_REASONS, { message: `reason must be one of ${ASSENT_REASONS.join(', ')}` })
  reason?: AssentReason;
}

const CALL_ROLES = ['guardian', 'supervisor', 'counselor'] as const;

/** A session with what its call recorded. */
export class CallSessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ format: 'uuid' }) guardianId!: string;
  @ApiProperty({ enum: ['supervised', 'mediated'] }) kind!: 'supervised' | 'mediated';
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) checkedInAt!: string | null;
  @ApiProperty({ enum: ASSENT_RESPONSES, nullable: true, type: String }) assent!: AssentResponse | null;
  @ApiProperty({ enum: ASSENT_REASONS, nullable: true, type: String }) assentReason!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) assentAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) guardianJoinedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) counselorJoinedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) callStartedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) callEndedAt!: string | null;
  @ApiProperty({ enum: CALL_END_REASONS, nullable: true, type: String }) endReason!: string | null;
}

export class IceServerDto {
  @ApiProperty({ type: [String], example: ['turn:turn.example.org:3478'] }) urls!: string[];
  @ApiPropertyOptional({ example: '1790000000:6f1c2d3e-0000-4000-8000-000000000001', description: 'TURN only: `<expiry unix seconds>:<participantId>`' })
  username?: string;
  @ApiPropertyOptional({ description: 'TURN only: base64 HMAC-SHA1 of the username with the TURN secret (coturn REST API)' })
  credential?: string;
}

export class JoinTokenDto {
  @ApiProperty({ description: 'Send as `auth: { token }` when connecting to the /calls namespace' }) token!: string;
  @ApiProperty({ format: 'date-time', description: 'At most 15 minutes, never past the scheduled end; ask for a fresh one to rejoin' })
  expiresAt!: string;
  @ApiProperty({ type: [IceServerDto], description: 'For RTCPeerConnection({ iceServers })' }) iceServers!: IceServerDto[];
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: CALL_ROLES }) role!: CallRole;
  @ApiProperty({ format: 'uuid', description: 'Your id in the call (your account id): `to`/`from` of signals' }) participantId!: string;
  @ApiProperty({ example: '/calls' }) namespace!: '/calls';
}
