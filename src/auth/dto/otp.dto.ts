import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsPhoneNumber, IsString, Matches } from 'class-validator';

const E164 = /^\+[1-9]\d{6,14}$/;

const PhoneRules = () =>
  applyDecorators(
    ApiProperty({ example: '+8613912345678', pattern: E164.source, description: 'E.164: "+", country code, number; no spaces' }),
    IsString(),
    Matches(E164, { message: 'phone must be in E.164 form, e.g. "+8613912345678" (no spaces or dashes)' }),
    IsPhoneNumber(undefined, { message: 'phone must be a valid phone number' }),
  );

export class OtpRequestDto {
  @PhoneRules()
  phone!: string;
}

export class OtpVerifyDto {
  @PhoneRules()
  phone!: string;

  @ApiProperty({ example: '042917', pattern: '^\\d{6}$', description: 'The six-digit code sent to the phone' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be exactly six digits' })
  code!: string;
}
