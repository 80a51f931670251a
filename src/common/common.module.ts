import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { AuthGuard } from './auth/auth.guard';
import { TokenService } from './auth/token.service';
import { Clock } from './clock';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256', issuer: 'kinbridge' } }),
    }),
  ],
  providers: [TokenService, Clock, Transactions, AuthGuard, { provide: APP_GUARD, useExisting: AuthGuard }],
  exports: [TokenService, Clock, Transactions, AuthGuard, JwtModule],
})
export class CommonModule {}
