import { Body, PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

/**
 * For a write that takes no request body: any body (even `{}`) is refused with 400, like an
 * unknown field would be, rather than silently ignored.
 */
export const NoBody = () => Body(new RefuseBody());

class RefuseBody implements PipeTransform {
  transform(value: unknown): undefined {
    if (value !== undefined) throw new DomainError('VALIDATION_FAILED', 'This route takes no request body');
    return undefined;
  }
}
