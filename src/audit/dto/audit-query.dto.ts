import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() childId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() hubId?: string;
  @ApiPropertyOptional({ example: 'child.read' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ example: 'child' }) @IsOptional() @IsString() @MaxLength(100) objectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) objectId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) requestId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}
