import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';

export const CONSENT_SCOPES = ['video_call', 'wellbeing_check'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];
export const CONSENT_METHODS = ['paper', 'in_person', 'digital'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export class CreateConsentDto {
  @ApiProperty({ format: 'uuid', description: 'A guardian linked to the child (pending or approved link)' })
  @IsUUID()
  guardianId!: string;

  @ApiProperty({
    enum: CONSENT_SCOPES,
    isArray: true,
    minItems: 1,
    maxItems: CONSENT_SCOPES.length,
    uniqueItems: true,
    description: '`video_call` allows booking calls; `wellbeing_check` allows storing post-call checks',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(CONSENT_SCOPES.length)
  @ArrayUnique()
  @IsIn(CONSENT_SCOPES, { each: true, message: `each scope must be one of ${CONSENT_SCOPES.join(', ')}` })
  scopes!: ConsentScope[];

  @ApiProperty({ minLength: 1, maxLength: 50, example: '2026-01', description: 'Version of the privacy notice the guardian agreed to' })
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'policyVersion must not be blank' })
  policyVersion!: string;

  @ApiProperty({ enum: CONSENT_METHODS })
  @IsIn(CONSENT_METHODS)
  method!: ConsentMethod;
}

export class WithdrawConsentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500 })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason?: string;
}

export class ConsentQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only consents given by this guardian' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @IsUUID()
  guardianId?: string;
}

export class ConsentWithdrawerDto {
  @ApiProperty({ enum: ['user', 'guardian'] }) type!: 'user' | 'guardian';
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class ConsentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ format: 'uuid' }) guardianId!: string;
  @ApiProperty({ enum: CONSENT_SCOPES, isArray: true }) scopes!: ConsentScope[];
  @ApiProperty() policyVersion!: string;
  @ApiProperty({ enum: CONSENT_METHODS }) method!: ConsentMethod;
  @ApiProperty({ format: 'date-time' }) givenAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Staff member who recorded it' }) recordedBy!: string | null;
  @ApiProperty({ description: 'True until withdrawn' }) active!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt!: string | null;
  @ApiProperty({ type: ConsentWithdrawerDto, nullable: true }) withdrawnBy!: ConsentWithdrawerDto | null;
  @ApiProperty({ nullable: true, type: String }) withdrawalReason!: string | null;
}

export class ConsentPageDto {
  @ApiProperty({ type: [ConsentDto] }) items!: ConsentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
