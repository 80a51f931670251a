import { Param, ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

/** A path id that is not a UUID cannot name anything: it is a 404, like any unknown id. */
export const UuidParam = (name = 'id') =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => new DomainError('NOT_FOUND', 'Not found') }));
