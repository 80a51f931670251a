import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { NotBlank, PhoneRules } from '../../common/validation/field-rules';

export const DisplayNameRules = () => applyDecorators(IsString(), Length(1, 200), NotBlank('displayName'));

export class CaregiverDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: '李秀英' })
  @IsString()
  @Length(1, 200)
  @NotBlank('name')
  name!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'grandmother', description: 'How the caregiver is related to the child (free text)' })
  @IsString()
  @Length(1, 100)
  @NotBlank('relation')
  relation!: string;

  @ApiProperty({ example: '+8613912345678', description: 'E.164, no spaces' })
  @PhoneRules()
  phone!: string;
}
