import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { DomainError } from '../errors/domain-error';

const takesBody = new WeakMap<object, boolean>();

/**
 * A route that declares no `@Body()` refuses any body (even `{}`) with 400, as an unknown field
 * would be refused, rather than silently ignoring it. Runs after the guards, like a pipe would, so
 * a caller without the route's role still gets its 403 first.
 */
@Injectable()
export class RefuseUnexpectedBody implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && context.switchToHttp().getRequest<Request>().body !== undefined && !declaresBody(context)) {
      throw new DomainError('VALIDATION_FAILED', 'This route takes no request body');
    }
    return next.handle();
  }
}

function declaresBody(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let known = takesBody.get(handler);
  if (known === undefined) {
    const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    known = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`));
    takesBody.set(handler, known);
  }
  return known;
}
