import { createSecretKey } from 'node:crypto';
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
      // A KeyObject, prepared once: given a string, jsonwebtoken re-parses it (trying it as a
      // public key first) on every verify — about 1 ms of CPU per request.
      useFactory: (config: AppConfig) => {
        const key = createSecretKey(Buffer.from(config.jwtSecret ?? '', 'utf8'));
        return { secretOrKeyProvider: () => key, signOptions: { algorithm: 'HS256', issuer: 'kinbridge' } };
      },
    }),
  ],
  providers: [TokenService, Clock, Transactions, AuthGuard, { provide: APP_GUARD, useExisting: AuthGuard }],
  exports: [TokenService, Clock, Transactions, AuthGuard, JwtModule],
})
export class CommonModule {}
