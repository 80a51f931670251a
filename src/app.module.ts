import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { loggerOptions } from './logging';
import { NotificationsModule } from './notifications/notifications.module';

export interface AppOverrides {
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, overrides: AppOverrides = {}): DynamicModule {
    const replaced: Provider[] = overrides.clock ? [{ provide: Clock, useValue: overrides.clock }] : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          extra: { max: 20, connectionTimeoutMillis: 5000 },
        }),
        CommonModule,
        AuditModule,
        HealthModule,
        NotificationsModule,
      ],
      providers: replaced,
      exports: replaced,
      global: replaced.length > 0,
    };
  }
}
