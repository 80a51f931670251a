// REST calls to /api/v1 with the access token kept in sessionStorage; problems become ApiError.

const TOKEN_KEY = 'kinbridge.accessToken';
const WHO_KEY = 'kinbridge.who';

export type Who = { type: 'user'; id: string; role: string; displayName: string; hubIds: string[] } | { type: 'guardian'; id: string; displayName: string; role: 'guardian' };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

export const auth = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  who(): Who | null {
    const raw = sessionStorage.getItem(WHO_KEY);
    return raw ? (JSON.parse(raw) as Who) : null;
  },
  save(token: string, who: Who): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(WHO_KEY, JSON.stringify(who));
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WHO_KEY);
  },
};

/** Called when the API says the token is no longer good (401): pages show their sign-in again. */
let onSignedOut: () => void = () => location.reload();
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const token = auth.token();
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network unavailable');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    const error = new ApiError(response.status, String(json.code ?? response.status), String(json.detail ?? json.title ?? response.statusText), json);
    if (response.status === 401 && token && !path.startsWith('/auth/')) {
      auth.clear();
      onSignedOut();
    }
    throw error;
  }
  return json as T;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id taken from the page's own URL (e.g. `?session=`), or null when it is not one. Such a value
 * goes into API paths: unchecked, `../` in it would point a signed-in request at another route.
 */
export function idFromUrl(name: string): string | null {
  const value = new URLSearchParams(location.search).get(name);
  return value !== null && UUID.test(value) ? value : null;
}
