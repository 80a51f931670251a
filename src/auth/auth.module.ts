import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { CredentialsRepository } from './credentials.repository';
import { FirstAdminService } from './first-admin.service';
import { OtpRepository } from './otp.repository';
import { OtpService } from './otp.service';

@Module({
  controllers: [AuthController],
  providers: [AuthService, OtpService, CredentialsRepository, OtpRepository, FirstAdminService],
})
export class AuthModule {}
