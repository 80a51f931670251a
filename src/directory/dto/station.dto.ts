import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Length } from 'class-validator';
import { NotBlank, Optional, Trim } from '../../common/validation/field-rules';

export class CreateStationDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Booth 1', description: 'Unique within the hub' })
  @Trim()
  @IsString()
  @Length(1, 100)
  @NotBlank('name')
  name!: string;
}

export class UpdateStationDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 100)
  @NotBlank('name')
  name?: string;

  @ApiPropertyOptional({ description: 'false takes the station out of service (outOfServiceReason required); true puts it back' })
  @Optional()
  @IsBoolean()
  inService?: boolean;

  @ApiPropertyOptional({ minLength: 3, maxLength: 500, description: 'Required with inService: false, and only allowed with it' })
  @Optional()
  @Trim()
  @IsString()
  @Length(3, 500)
  outOfServiceReason?: string;
}

export class StationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() inService!: boolean;
  @ApiProperty({ type: String, nullable: true }) outOfServiceReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class StationPageDto {
  @ApiProperty({ type: [StationDto] }) items!: StationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
