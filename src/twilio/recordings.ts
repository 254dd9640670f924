// Twilio's side of a recording: its audio (fetched with the account's credentials,
// as Twilio may require HTTP authentication on media URLs) and its deletion.
import type { Config } from '../core/config.js';
import type { TwilioRest } from './rest.js';

const FETCH_TIMEOUT_MS = 60_000;

export class TwilioMediaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The recording's audio as MP3. */
export async function fetchRecordingAudio(config: Pick<Config, 'twilio'>, recordingSid: string): Promise<Buffer> {
  const { accountSid, authToken, apiKey, apiSecret, apiBaseUrl } = config.twilio;
  const [user, password] = apiKey && apiSecret ? [apiKey, apiSecret] : [accountSid, authToken];
  if (!accountSid || !user || !password) throw new TwilioMediaError(0, 'Twilio is not configured');
  const res = await fetch(`${apiBaseUrl}/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}.mp3`, {
    headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!res.ok) throw new TwilioMediaError(res.status, `Twilio answered ${res.status} for the recording's audio`);
  return Buffer.from(await res.arrayBuffer());
}

/** Deletes Twilio's copy; one already gone counts as deleted. */
export async function deleteAtTwilio(twilio: TwilioRest, recordingSid: string): Promise<void> {
  try {
    await twilio.recordings(recordingSid).remove();
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
}
