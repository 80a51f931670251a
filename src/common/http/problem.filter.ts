import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, ERROR_CODES, ErrorCode, problemType } from '../errors/domain-error';
import { domainErrorFromDatabase } from '../../database/pg-errors';
import { requestContext } from './request-context';

/** Renders every error as RFC 9457 application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    this.render(exception, host.switchToHttp().getRequest<Request>(), host.switchToHttp().getResponse<Response>());
  }

  /** Also used as the last Express error handler, for what never reaches a Nest route. */
  render(exception: unknown, request: Request, response: Response): void {
    const error = this.toDomainError(exception);
    if (error.status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // Too late for a problem document (a response that failed midway): cut the connection, so the
    // client sees a failure rather than a truncated body that looks complete, or a hang.
    if (response.headersSent) {
      response.destroy();
      return;
    }

    const body: Record<string, unknown> = {
      type: problemType(error.code),
      title: ERROR_CODES[error.code].title,
      status: error.status,
      code: error.code,
      detail: error.detail ?? ERROR_CODES[error.code].title,
      instance: request.originalUrl,
      requestId: requestContext.requestId() ?? request.id,
      ...error.extensions,
    };
    if (typeof error.extensions.retryAfterSeconds === 'number') {
      response.setHeader('Retry-After', String(error.extensions.retryAfterSeconds));
    }
    response.status(error.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toDomainError(exception: unknown): DomainError {
    if (exception instanceof DomainError) return exception;
    const fromDatabase = domainErrorFromDatabase(exception);
    if (fromDatabase) return fromDatabase;
    if (exception instanceof QueryFailedError) return new DomainError('INTERNAL', 'Unexpected database error');
    // body-parser errors (http-errors) carry a `type`; Nest wraps them, keeping the original as `cause`.
    const original = exception instanceof HttpException && exception.cause ? exception.cause : exception;
    const bodyParserType = (original as { type?: string } | null)?.type;
    if (bodyParserType === 'entity.parse.failed') return new DomainError('MALFORMED_JSON', 'The request body is not valid JSON');
    if (bodyParserType === 'entity.too.large') return new DomainError('PAYLOAD_TOO_LARGE', 'The request body exceeds 100 kB');
    if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported') {
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send UTF-8 encoded application/json');
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    const status = (exception as { status?: number; statusCode?: number } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new DomainError('VALIDATION_FAILED', (exception as Error).message);
    }
    return new DomainError('INTERNAL', 'An unexpected error occurred; it has been logged');
  }
}

function fromHttpException(exception: HttpException): DomainError {
  const status = exception.getStatus();
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: 'VALIDATION_FAILED',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'ROUTE_NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'RATE_LIMITED',
    503: 'SERVICE_UNAVAILABLE',
  };
  const code = byStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
  const detail = code === 'ROUTE_NOT_FOUND' ? 'No such route' : exception.message;
  return new DomainError(code, detail);
}
