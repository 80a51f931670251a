import { json, NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOverrides } from './app.module';
import { DomainError } from './common/errors/domain-error';
import { PROBLEM_SCHEMA } from './common/http/api-problems.decorator';
import { answerClientErrorsWithProblems } from './common/http/client-error';
import { ProblemFilter } from './common/http/problem.filter';
import { RefuseUnexpectedBody } from './common/http/refuse-unexpected-body.interceptor';
import { requestContext } from './common/http/request-context';
import { createValidationPipe } from './common/http/validation.pipe';
import type { AppConfig } from './config/app-config';
import { runMigrations } from './database/migrate';
import { SocketIoAdapter } from './redis/socket-io.adapter';
import { requestIdOf } from './logging';

export const API_PREFIX = 'api/v1';
const ROOT_ROUTES = ['health', 'metrics', 'docs', 'docs-json', 'problems', 'problems/{*path}', 'pages/{*path}', 'calendar/{*path}'];

/** Builds the whole HTTP application; used by main.ts and by the e2e tests alike. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  overrides: AppOverrides = {},
): Promise<NestExpressApplication> {
  await runMigrations(databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl, overrides), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  answerClientErrorsWithProblems(app.getHttpServer());
  app.use(assignRequestId);
  app.use(requireJsonBody);
  app.use(json({ limit: '100kb', strict: true, type: ['application/json', 'application/*+json'] }));
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_ROUTES });
  const problems = new ProblemFilter();
  app.useGlobalFilters(problems);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new RefuseUnexpectedBody());
  setUpOpenApi(app);
  // socket.io on the HTTP server (/calls, /hubs, /counselors); with REDIS_URL through the Redis adapter.
  app.useWebSocketAdapter(await SocketIoAdapter.create(app));
  await app.init();
  // Nest answers unknown routes under the API prefix; these catch the rest.
  app.use((_request: Request, _response: Response, next: NextFunction) => next(new DomainError('ROUTE_NOT_FOUND', 'No such route')));
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => problems.render(error, request, response));
  return app;
}

function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  const requestId = requestIdOf(request);
  (request as Request & { id: string }).id = requestId;
  response.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId, ip: request.ip }, next);
}

/** A body that is not JSON is refused before any handler sees it (415, not a confusing 400). */
function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is(['application/json', 'application/*+json'])) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json'));
    return;
  }
  next();
}

/** Every bearer-secured operation can answer 401; saying so once here keeps controllers short. */
function documentUnauthenticated(document: OpenAPIObject): void {
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as { security?: unknown[]; responses?: Record<string, unknown> }[]) {
      if (!operation?.security?.length || !operation.responses || operation.responses['401']) continue;
      operation.responses['401'] = {
        description: 'Missing or invalid access token',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
  }
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA };
}

function setUpOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kinbridge API')
      .setDescription(
        'Supervised video calls between migrant parents and their children, with counselor mediation. ' +
          'Errors are RFC 9457 application/problem+json documents with a stable `code`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  documentUnauthenticated(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
}
