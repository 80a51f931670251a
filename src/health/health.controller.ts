import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/auth.decorators';
import { DomainError } from '../common/errors/domain-error';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DataSource) {}

  /** 200 when the database answers; 503 problem+json when it does not. */
  @Get()
  @Public()
  @HttpCode(200)
  async check() {
    const started = process.hrtime.bigint();
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', 'The database does not answer', { checks: { database: 'down' } });
    }
    const databaseMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { status: 'ok', checks: { database: { status: 'up', latencyMs: Math.round(databaseMs * 10) / 10 } } };
  }
}
