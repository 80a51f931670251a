import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/auth.decorators';
import { DomainError } from '../common/errors/domain-error';
import { ApiProblems } from '../common/http/api-problems.decorator';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DataSource) {}

  /** 200 when the database answers; 503 problem+json when it does not. */
  @Get()
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    description: 'The database answers',
    schema: {
      type: 'object',
      required: ['status', 'checks'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        checks: { type: 'object', properties: { database: { type: 'object', properties: { status: { type: 'string' }, latencyMs: { type: 'number' } } } } },
      },
    },
  })
  @ApiProblems(503)
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
