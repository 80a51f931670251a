import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');
/** The URL the app's database was reached at (the embedded server's when DATABASE_URL is unset). */
export const DATABASE_URL = Symbol('DATABASE_URL');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, databaseUrl?: string) {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_URL, useValue: databaseUrl ?? config.databaseUrl },
      ],
      exports: [APP_CONFIG, DATABASE_URL],
    };
  }
}
