import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';

interface PgDriverError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Unique constraints whose violation is a client error with its own code. */
const UNIQUE_CONSTRAINTS: Record<string, ErrorCode> = {
  users_email_unique: 'EMAIL_TAKEN',
  guardians_phone_unique: 'PHONE_TAKEN',
  stations_hub_name_unique: 'STATION_NAME_TAKEN',
  child_guardian_links_unique: 'LINK_EXISTS',
  reschedule_requests_one_pending: 'REQUEST_PENDING',
  wellbeing_checks_one_per_session: 'WELLBEING_CHECK_EXISTS',
};

/** Exclusion constraints guarding a resource against double booking: constraint → resource. */
export const BOOKING_CONSTRAINTS: Record<string, string> = {
  sessions_station_no_overlap: 'station',
  sessions_child_no_overlap: 'child',
  sessions_guardian_no_overlap: 'guardian',
  sessions_supervisor_no_overlap: 'supervisor',
  sessions_counselor_no_overlap: 'counselor',
};

export function pgErrorOf(error: unknown): PgDriverError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as PgDriverError;
  if (error && typeof error === 'object' && 'code' in error && typeof (error as PgDriverError).code === 'string') {
    return error as PgDriverError;
  }
  return undefined;
}

/** Maps the Postgres errors that a client can cause to domain errors; others stay internal. */
export function domainErrorFromPg(error: unknown): DomainError | undefined {
  const pg = pgErrorOf(error);
  if (!pg?.code) return undefined;
  switch (pg.code) {
    case '23505': {
      const code = pg.constraint ? UNIQUE_CONSTRAINTS[pg.constraint] : undefined;
      return new DomainError(code ?? 'CONFLICT', code ? undefined : 'A record with these values already exists');
    }
    case '23P01': {
      const resource = pg.constraint ? BOOKING_CONSTRAINTS[pg.constraint] : undefined;
      return new DomainError('SLOT_TAKEN', `The ${resource ?? 'resource'} is already booked at that time`, {
        resource: resource ?? 'unknown',
      });
    }
    case '23503':
      return new DomainError('NOT_FOUND', 'A referenced record was not found');
    // A CHECK or NOT NULL the DTOs did not foresee (e.g. a length counted differently by the
    // validator than by PostgreSQL): the input is at fault, not the server.
    case '23514':
    case '23502':
      return new DomainError('VALIDATION_FAILED', 'A value breaks a rule of the stored data (too long, missing or out of range)');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
      return new DomainError('VALIDATION_FAILED', 'A value has the wrong format or is out of range');
    // A NUL character (\u0000) is valid JSON but cannot be stored in PostgreSQL text.
    case '22021':
    case '22P05':
      return new DomainError('VALIDATION_FAILED', 'Text must not contain NUL characters or invalid Unicode');
    case '40001':
    case '40P01':
      return new DomainError('CONFLICT', 'A concurrent change got in the way; retry the request');
    case '57P01':
    case '57P02':
    case '57P03':
    case '53300':
    case '08000':
    case '08001':
    case '08003':
    case '08004':
    case '08006':
      return new DomainError('SERVICE_UNAVAILABLE', 'The database is restarting; retry shortly', { retryAfterSeconds: 2 });
    default:
      return undefined;
  }
}

const CONNECT_REFUSALS = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    // TypeORM releases a transaction's query runner when its connection emits 'error' (server shut
    // down, connection cut); the transaction's next statement then throws one of these, without the cause.
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError ||
    // Refused while connecting (not a QueryFailedError): shutting down, starting up, too many clients.
    (code !== undefined && CONNECT_REFUSALS.has(code)) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    // A pooled client whose connection already failed ("… encountered a connection error and is not queryable").
    /Connection terminated|timeout exceeded when trying to connect|is not queryable/i.test(message)
  );
}

/**
 * What a failed database call means to a client, for HTTP (ProblemFilter) and sockets alike: a
 * mapped SQLSTATE, 503 with Retry-After when the database is unreachable (also a connection cut
 * mid-query, which arrives wrapped without a SQLSTATE), else undefined (not a database error, or
 * one that is the server's fault).
 */
export function domainErrorFromDatabase(error: unknown): DomainError | undefined {
  if (error instanceof QueryFailedError) {
    const mapped = domainErrorFromPg(error);
    if (mapped) return mapped;
    if (isConnectionError(error.driverError)) return databaseUnreachable();
    return undefined;
  }
  return isConnectionError(error) ? databaseUnreachable() : undefined;
}

const databaseUnreachable = () => new DomainError('SERVICE_UNAVAILABLE', 'The database is unreachable; retry shortly', { retryAfterSeconds: 2 });
