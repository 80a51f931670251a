import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { domainErrorFromPg, isConnectionError } from './pg-errors';

const failed = (driverError: Record<string, unknown>) =>
  new QueryFailedError('INSERT …', [], Object.assign(new Error(String(driverError.message ?? 'pg error')), driverError));

describe('domainErrorFromPg', () => {
  it.each([
    // NUL in a JSON string: valid JSON, but PostgreSQL text cannot hold it
    [{ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }, 'VALIDATION_FAILED', 400],
    [{ code: '22P05', message: 'unsupported Unicode escape sequence' }, 'VALIDATION_FAILED', 400],
    [{ code: '22P02', message: 'invalid input syntax for type uuid' }, 'VALIDATION_FAILED', 400],
    [{ code: '23505', constraint: 'users_email_unique' }, 'EMAIL_TAKEN', 409],
    [{ code: '23505', constraint: 'some_other_unique' }, 'CONFLICT', 409],
    [{ code: '23505', constraint: 'reschedule_requests_one_pending' }, 'REQUEST_PENDING', 409],
    // Variation selectors: class-validator's Length skips them, PostgreSQL's length() counts them
    [{ code: '23514', constraint: 'hubs_name_check' }, 'VALIDATION_FAILED', 400],
    [{ code: '23502', column: 'name' }, 'VALIDATION_FAILED', 400],
    [{ code: '23P01', constraint: 'sessions_station_no_overlap' }, 'SLOT_TAKEN', 409],
    [{ code: '40001' }, 'CONFLICT', 409],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 'SERVICE_UNAVAILABLE', 503],
    [{ code: '53300', message: 'sorry, too many clients already' }, 'SERVICE_UNAVAILABLE', 503],
  ])('%j → %s', (driverError, code, status) => {
    const error = domainErrorFromPg(failed(driverError));
    expect(error).toMatchObject({ code, status });
    // Never the SQL or the server's own wording.
    expect(error?.detail ?? '').not.toMatch(/INSERT|UTF8|uuid|clients/);
  });

  it('names the colliding resource of an exclusion constraint', () => {
    expect(domainErrorFromPg(failed({ code: '23P01', constraint: 'sessions_child_no_overlap' }))?.extensions).toEqual({ resource: 'child' });
  });

  it('leaves unknown SQLSTATEs to the caller (a 500)', () => {
    expect(domainErrorFromPg(failed({ code: '42P01', message: 'relation "x" does not exist' }))).toBeUndefined();
  });
});

describe('isConnectionError', () => {
  it('counts a transaction whose connection was cut (TypeORM released its runner) as the database being unreachable', () => {
    expect(isConnectionError(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isConnectionError(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    // pg's connect() rejects with the server's refusal while it starts up, not with a QueryFailedError.
    expect(isConnectionError(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(isConnectionError(new Error('boom'))).toBe(false);
    expect(isConnectionError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});
