import { isUUID } from 'class-validator';
import { DomainError, FieldError } from '../common/errors/domain-error';

/**
 * Small validators for socket payloads (hot paths such as signaling skip class-transformer).
 * Each throws VALIDATION_FAILED naming the fields, like the REST validation pipe.
 */
export function objectPayload(payload: unknown, allowed: readonly string[], options: { optional?: boolean } = {}): Record<string, unknown> {
  if (payload === undefined && options.optional) return {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid([{ field: '(payload)', messages: ['must be an object'] }]);
  const unknown = Object.keys(payload).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw invalid(unknown.map((field) => ({ field, messages: [`property ${field} should not exist`] })));
  return payload as Record<string, unknown>;
}

export function uuidField(payload: Record<string, unknown>, field: string): string {
  const value = payload[field];
  if (typeof value !== 'string' || !isUUID(value)) throw invalid([{ field, messages: [`${field} must be a UUID`] }]);
  return value;
}

export function invalid(errors: FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', 'The message is not valid', { errors });
}
