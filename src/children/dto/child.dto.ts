import { ApiProperty } from '@nestjs/swagger';
import { CallPlanDto } from './call-plan.dto';
import { CaregiverDto } from './child-fields';

/** A child as staff, counselors and admins see it. */
export class ChildDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'date' }) birthDate!: string;
  @ApiProperty({ type: 'integer', description: 'Completed years, today in the hub’s zone' }) ageYears!: number;
  @ApiProperty({ type: CaregiverDto, nullable: true }) caregiver!: CaregiverDto | null;
  @ApiProperty({ description: 'True while no entrusted caregiver is recorded (the law expects one)' }) caregiverMissing!: boolean;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) counselorId!: string | null;
  @ApiProperty({ type: CallPlanDto }) callPlan!: CallPlanDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/**
 * A child as a linked parent sees it: who the child is and the counselor's advice, but not
 * the caregiver's contact, the assigned counselor or the pacing decisions (those stay between
 * the hub and the counselor; their effect shows up in the bookable slots).
 */
export class GuardianChildDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'date' }) birthDate!: string;
  @ApiProperty({ type: 'integer' }) ageYears!: number;
  @ApiProperty({ type: 'string', nullable: true, description: 'The counselor’s advice for the parent' }) adviceForParent!: string | null;
}

export class ChildPageDto {
  @ApiProperty({ type: 'array', items: { oneOf: [{ $ref: '#/components/schemas/ChildDto' }, { $ref: '#/components/schemas/GuardianChildDto' }] } })
  items!: (ChildDto | GuardianChildDto)[];
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) pageSize!: number;
}
