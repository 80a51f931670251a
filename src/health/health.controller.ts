import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/auth.decorators';
import { DomainError } from '../common/errors/domain-error';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { RedisLink } from '../redis/redis-link';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    private readonly redis: RedisLink,
  ) {}

  /**
   * 200 when the database answers; 503 problem+json when it does not. Redis (when configured)
   * only carries realtime notices between instances: without it this instance still serves, so
   * the answer stays 200 with `status: degraded`.
   */
  @Get()
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    description: 'The database answers',
    schema: {
      type: 'object',
      required: ['status', 'checks'],
      properties: {
        status: { type: 'string', enum: ['ok', 'degraded'] },
        checks: {
          type: 'object',
          properties: {
            database: { type: 'object', properties: { status: { type: 'string', enum: ['up'] }, latencyMs: { type: 'number' } } },
            redis: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down', 'not_configured'] } } },
          },
        },
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
    const redis = this.redis.status();
    return {
      status: redis === 'down' ? 'degraded' : 'ok',
      checks: { database: { status: 'up', latencyMs: Math.round(databaseMs * 10) / 10 }, redis: { status: redis } },
    };
  }
}
