import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { NotBlank, Optional } from '../../common/validation/field-rules';

export const RELATIONSHIPS = ['mother', 'father', 'grandmother', 'grandfather', 'aunt', 'uncle', 'sibling', 'other'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const LINK_STATUSES = ['pending', 'approved', 'revoked'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export class CreateLinkDto {
  @ApiProperty({ format: 'uuid', description: 'A guardian registered at one of your hubs or already linked to one of its children' })
  @IsUUID()
  guardianId!: string;

  @ApiProperty({ enum: RELATIONSHIPS })
  @IsIn(RELATIONSHIPS)
  relationship!: Relationship;
}

export class RevokeLinkDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500, description: 'Stored with the link (not in the append-only audit log, which records only that a reason was given)' })
  @Optional()
  @IsString()
  @Length(1, 500)
  @NotBlank('reason')
  reason?: string;
}

export class LinkQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LINK_STATUSES })
  @Optional()
  @IsIn(LINK_STATUSES)
  status?: LinkStatus;
}

export class LinkGuardianDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ example: '+8613912345678' }) phone!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
}

export class LinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ format: 'uuid' }) guardianId!: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship!: Relationship;
  @ApiProperty({ enum: LINK_STATUSES, description: 'Only approved links can be booked' }) status!: LinkStatus;
  @ApiProperty({ type: LinkGuardianDto }) guardian!: LinkGuardianDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class LinkPageDto {
  @ApiProperty({ type: [LinkDto] }) items!: LinkDto[];
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) pageSize!: number;
}

