import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { NotificationDeliverer } from './notification-deliverer';
import { NotificationsService } from './notifications.service';
import { LogTransport } from './transports/log.transport';
import { NOTIFICATION_TRANSPORT, NotificationTransport } from './transports/notification-transport';
import { WebhookTransport } from './transports/webhook.transport';

@Global()
@Module({
  providers: [
    NotificationsService,
    NotificationDeliverer,
    LogTransport,
    WebhookTransport,
    {
      provide: NOTIFICATION_TRANSPORT,
      inject: [APP_CONFIG, LogTransport, WebhookTransport],
      useFactory: (config: AppConfig, log: LogTransport, webhook: WebhookTransport): NotificationTransport =>
        config.notify.transport === 'webhook' ? webhook : log,
    },
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}
