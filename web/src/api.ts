// The dashboard's one way to talk to the server: JSON, session cookie, CSRF header.
import type { SessionInfo } from '../../src/contracts/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(method === 'GET' ? {} : { 'X-CSRF-Token': csrfToken }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? 'http_' + response.status,
      error.message ?? `The server answered ${response.status}.`,
      error.field,
    );
  }
  if (data && typeof data.csrfToken === 'string') csrfToken = data.csrfToken;
  return data as T;
}

/** Something a screen fetches: loading, failed with a message to show, or there. */
export type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

/** Runs a request into a screen's Load state. */
export function loadInto<R, T>(request: Promise<R>, set: (load: Load<T>) => void, pick: (response: R) => T): void {
  request.then(
    (response) => set({ state: 'ready', value: pick(response) }),
    (err: ApiError) => set({ state: 'error', message: err.message }),
  );
}

export const fetchSession = () => api<SessionInfo>('GET', '/api/session');
