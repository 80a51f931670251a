import { requestContext } from '../http/request-context';

/** The caller's address as Express resolved it (X-Forwarded-For is trusted only from a loopback proxy). */
export const clientIp = (): string => requestContext.get()?.ip ?? 'unknown';
