// The service's Twilio REST client. Twilio's package has no base-URL option, so a
// request client rewrites https://*.twilio.com to TWILIO_API_BASE_URL (tests and
// the simulator point it at the local stand-in).
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../core/config.js';
import type { TwilioRest } from '../core/services.js';

const REAL_TWILIO = 'https://api.twilio.com';

// Reading or deleting twice does no harm; creating (a text, a call) could.
const REPEATABLE = new Set(['get', 'head', 'delete']);
// What a keep-alive connection the other end had just closed looks like when a request is written to it.
const CONNECTION_CLOSED = new Set(['ECONNRESET', 'EPIPE']);

class TwilioRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 10_000 });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const sent =
      this.baseUrl === REAL_TWILIO
        ? opts
        : { ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, this.baseUrl) };
    try {
      return await super.request<TData>(sent);
    } catch (err) {
      // A reused connection closed under the request (the peer's idle timeout beat ours, or
      // this process was too busy to notice): the request never reached Twilio, so send it
      // once more on a new connection. Timeouts are not retried: Twilio may have acted.
      if (
        !REPEATABLE.has(String(opts.method).toLowerCase()) ||
        !CONNECTION_CLOSED.has((err as NodeJS.ErrnoException).code ?? '')
      )
        throw err;
      return super.request<TData>(sent);
    }
  }
}

export type { TwilioRest } from '../core/services.js';

/** A REST client from the configuration, or null when Twilio is not configured. */
export function createTwilioRest(config: Pick<Config, 'twilio'>): TwilioRest | null {
  const { accountSid, authToken, apiKey, apiSecret, apiBaseUrl } = config.twilio;
  if (!accountSid || !(authToken || (apiKey && apiSecret))) return null;
  const httpClient = new TwilioRequestClient(apiBaseUrl);
  // An API key is preferred: it can be revoked without changing the account's Auth Token.
  return apiKey && apiSecret
    ? twilio(apiKey, apiSecret, { accountSid, httpClient })
    : twilio(accountSid, authToken, { httpClient });
}
