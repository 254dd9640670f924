// A staff member's browser against a real server's URL, over fetch: keeps cookies
// and the CSRF token the way the dashboard does. For tests of real processes.
export interface HttpBrowser {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  cookie(): string;
}

/** A browser that has only opened the site (an anonymous CSRF token): for links and sign-in pages. */
export async function openSite(base: string): Promise<HttpBrowser> {
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetchLikeABrowser(base + path, {
      method,
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie())
      cookie = [...cookie.split('; ').filter((p) => p && !p.startsWith(c.split('=')[0]! + '=')), c.split(';')[0]!].join(
        '; ',
      );
    const data = (await res.json().catch(() => null)) as { csrfToken?: string } | null;
    if (data?.csrfToken) csrf = data.csrfToken;
    return { status: res.status, body: data as Record<string, unknown> };
  };
  await call('GET', '/api/session');
  return { call, cookie: () => cookie };
}

/**
 * fetch, sent once more when the connection closed before any answer, as browsers do for a
 * kept-alive connection: the server closes one idle for its keep-alive time, and a request
 * sent on it at that moment (a busy client is late to hear the close) fails unanswered,
 * unread. A server that died fails the second try too.
 */
async function fetchLikeABrowser(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
    // Said, so that a server dropping connections under load is not hidden.
    console.warn(`${init.method} ${new URL(url).pathname}: the connection closed unanswered; sent again`);
    return fetch(url, init);
  }
}

export async function signIn(base: string, login: { email: string; password: string }): Promise<HttpBrowser> {
  const browser = await openSite(base);
  const res = await browser.call('POST', '/api/session', login);
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  return browser;
}
