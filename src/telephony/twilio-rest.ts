// The service's Twilio REST client. Twilio's package has no base-URL option, so a
// request client rewrites https://*.twilio.com to TWILIO_API_BASE_URL (tests and
// the simulator point it at the local stand-in).
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../config.js';

class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, this.baseUrl) });
  }
}

export type TwilioRest = ReturnType<typeof twilio>;

/** A REST client from the configuration, or null when Twilio is not configured. */
export function createTwilioRest(config: Pick<Config, 'twilio'>): TwilioRest | null {
  const { accountSid, authToken, apiKey, apiSecret, apiBaseUrl } = config.twilio;
  if (!accountSid || !(authToken || (apiKey && apiSecret))) return null;
  const httpClient = apiBaseUrl === 'https://api.twilio.com' ? undefined : new BaseUrlRequestClient(apiBaseUrl);
  // An API key is preferred: it can be revoked without changing the account's Auth Token.
  return apiKey && apiSecret ? twilio(apiKey, apiSecret, { accountSid, httpClient }) : twilio(accountSid, authToken, { httpClient });
}
