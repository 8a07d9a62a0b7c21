// The one way the console talks to Pond's REST API (docs/api.md): JSON in and out, the session
// cookie sent along, and every non-2xx answer turned into an ApiError carrying the server's
// `{error:{code,message,field}}` so forms can point at the field and toasts can show the message (and, when
// WeCom failed, the setup checklist's hint the server sends with it).

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: unknown;
  /** For `wecom_error` (502): what to do, in the setup checklist's words. */
  readonly hint: string | undefined;

  constructor(status: number, code: string, message: string, field?: string, details?: unknown, hint?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
    this.hint = hint;
  }
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

const LOGIN_PATH = '/login';

/** Builds `/api/...?a=1&b=x,y`, leaving out empty values so the server applies its defaults. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

function redirectToLogin(): void {
  const { pathname, search } = window.location;
  if (pathname === LOGIN_PATH) return;
  const next = encodeURIComponent(pathname + search);
  window.location.assign(`${LOGIN_PATH}?next=${next}`);
}

async function parseError(res: Response): Promise<ApiError> {
  let payload: unknown;
  try {
    payload = await res.json();
  } catch {
    payload = undefined;
  }
  const error = (payload as { error?: { code?: unknown; message?: unknown; field?: unknown; details?: unknown; hint?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
  const message = typeof error?.message === 'string' && error.message ? error.message : `${res.status} ${res.statusText}`.trim();
  const field = typeof error?.field === 'string' ? error.field : undefined;
  return new ApiError(res.status, code, message, field, error?.details, typeof error?.hint === 'string' ? error.hint : undefined);
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'include', signal: options.signal };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }

  if (!res.ok) {
    const error = await parseError(res);
    // A failed login is also a 401, and must stay on the page to show its message.
    if (res.status === 401 && path !== '/auth/login') redirectToLogin();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Uploads a file as the request body (its own Content-Type), e.g. POST /media?kind=image. */
export async function uploadFile<T>(path: string, file: File, query?: Query): Promise<T> {
  const res = await fetch(apiUrl(path, query), {
    method: 'POST', credentials: 'include', body: file,
    headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' },
  });
  if (!res.ok) {
    const error = await parseError(res);
    if (res.status === 401) redirectToLogin();
    throw error;
  }
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** One page of a list route, as `PageOf(item)` in the contracts declares it. */
export type { Paged as Page } from '@pond/contracts/common';
/** A whole list (`ItemsOf(item)`). */
export type { Items as ItemList } from '@pond/contracts/common';

/**
 * A list route's query as a page keeps it, from the contract's query type: the URL's text values (numbers where the
 * page has them), which the server coerces and checks. `get` sends a list comma-separated.
 */
export type UrlQuery<Q> = { [K in keyof Q]?: string | number };
