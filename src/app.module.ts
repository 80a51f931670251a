import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CallsModule } from './calls/calls.module';
import { ChildrenModule } from './children/children.module';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsentModule } from './consent/consent.module';
import { DirectoryModule } from './directory/directory.module';
import { GuardiansModule } from './guardians/guardians.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { JobsModule } from './jobs/jobs.module';
import { loggerOptions } from './logging';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PagesModule } from './pages/pages.module';
import { ProblemsModule } from './problems/problems.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RedisModule } from './redis/redis.module';
import { SlotsModule } from './slots/slots.module';
import { RemindersModule } from './reminders/reminders.module';
import { RescheduleRequestsModule } from './reschedule-requests/reschedule-requests.module';
import { CalendarModule } from './calendar/calendar.module';
import { ContactGapsModule } from './contact-gaps/contact-gaps.module';
import { SessionsModule } from './sessions/sessions.module';
import { AlertsModule } from './alerts/alerts.module';
import { WellbeingModule } from './wellbeing/wellbeing.module';
import { TimelineModule } from './timeline/timeline.module';

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
        ConfigModule.forRoot(config, databaseUrl),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          // A request waits at most 10 s for a free connection, then gets a 503 with Retry-After.
          extra: { max: config.databasePoolSize, connectionTimeoutMillis: 10_000 },
        }),
        // The override joins CommonModule's own providers (dynamic providers come after the static ones and
        // win): a global override on AppModule would lose, as CommonModule is registered as global first.
        { module: CommonModule, providers: replaced },
        RedisModule,
        JobsModule,
        MetricsModule,
        AuditModule,
        AuthModule,
        RateLimitModule,
        ChildrenModule,
        ConsentModule,
        DirectoryModule,
        GuardiansModule,
        HealthModule,
        HousekeepingModule,
        DemoModule,
        ProblemsModule,
        RemindersModule,
        RescheduleRequestsModule,
        CalendarModule,
        ContactGapsModule,
        NotificationsModule,
        SlotsModule,
        SessionsModule,
        RealtimeModule,
        CallsModule,
        AlertsModule,
        WellbeingModule,
        TimelineModule,
        PagesModule,
      ],
    };
  }
}
