// The service's Twilio REST client. Twilio's package has no base-URL option, so a
// request client rewrites https://*.twilio.com to TWILIO_API_BASE_URL (tests and
// the simulator point it at the local stand-in).
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../core/config.js';
import { type Meters, NO_METERS, type TwilioFailure } from '../core/meters.js';
import type { TwilioRest } from '../core/services.js';

const REAL_TWILIO = 'https://api.twilio.com';

// Reading or deleting twice does no harm; creating (a text, a call) could.
const REPEATABLE = new Set(['get', 'head', 'delete']);
// What a keep-alive connection the other end had just closed looks like when a request is written to it.
const CONNECTION_CLOSED = new Set(['ECONNRESET', 'EPIPE']);

/**
 * What a request to Twilio does, for the metrics: its method and the resources its path
 * names ("DELETE Recordings", "POST Queues/Members"), never an id, a number or the account.
 */
export function twilioOperation(method: string, uri: string): string {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    return `${method.toUpperCase()} other`;
  }
  const resources = path
    .replace(/\.json$/, '')
    .split('/')
    .filter((part) => /^[A-Z][A-Za-z]*$/.test(part) && part !== 'Accounts' && !/^[A-Z]{2}[0-9a-f]{32}$/.test(part));
  return `${method.toUpperCase()} ${resources.join('/') || 'other'}`;
}

class TwilioRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly meters: Pick<Meters, 'twilioRestError'>,
  ) {
    super({ timeout: 10_000 });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const failed = (failure: TwilioFailure) =>
      this.meters.twilioRestError(twilioOperation(String(opts.method), opts.uri), failure);
    const response = await this.send(opts).catch((err: unknown) => {
      failed('network');
      throw err;
    });
    // A deletion Twilio answers 404 to is done already (the callers count it as deleted).
    const gone = response.statusCode === 404 && String(opts.method).toLowerCase() === 'delete';
    if (response.statusCode >= 400 && !gone) failed(response.statusCode >= 500 ? 'http_5xx' : 'http_4xx');
    return response;
  }

  private async send<TData>(opts: RequestClient.RequestOptions<TData>) {
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

/** A REST client from the configuration, or null when Twilio is not configured; its failures are counted in `meters`. */
export function createTwilioRest(
  config: Pick<Config, 'twilio'>,
  meters: Pick<Meters, 'twilioRestError'> = NO_METERS,
): TwilioRest | null {
  const { accountSid, authToken, apiKey, apiSecret, apiBaseUrl } = config.twilio;
  if (!accountSid || !(authToken || (apiKey && apiSecret))) return null;
  const httpClient = new TwilioRequestClient(apiBaseUrl, meters);
  // An API key is preferred: it can be revoked without changing the account's Auth Token.
  return apiKey && apiSecret
    ? twilio(apiKey, apiSecret, { accountSid, httpClient })
    : twilio(accountSid, authToken, { httpClient });
}
