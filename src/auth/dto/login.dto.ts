import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength } from 'class-validator';

/**
 * The same shape ADMIN_EMAIL and POST /users are checked against, so every account that can exist
 * can sign in.
 */
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export class LoginDto {
  @ApiProperty({ example: 'staff@example.org', maxLength: 254, description: 'Compared case-insensitively' })
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL_PATTERN, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}
