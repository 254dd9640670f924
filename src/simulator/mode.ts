// When the phone simulator runs: outside production, or with SIMULATOR=on; never
// while real Twilio credentials are configured (its calls would mix with real ones
// and it would sign with the real Auth Token).
import type { Config } from '../core/config.js';

export type SimulatorMode = { enabled: true } | { enabled: false; reason: string };

/** Whether the address is Twilio's own API, however it is written (port, case, path, a regional host). */
export function isTwilioItself(apiBaseUrl: string): boolean {
  const host = new URL(apiBaseUrl).hostname.toLowerCase().replace(/\.$/, '');
  return host === 'twilio.com' || host.endsWith('.twilio.com');
}

export function simulatorMode(config: Pick<Config, 'production' | 'twilio' | 'simulator'>): SimulatorMode {
  const { authToken, apiKey, apiBaseUrl } = config.twilio;
  if (config.simulator === 'off') return { enabled: false, reason: 'SIMULATOR=off' };
  if ((authToken || apiKey) && isTwilioItself(apiBaseUrl)) {
    return {
      enabled: false,
      reason:
        "real Twilio credentials are configured (TWILIO_AUTH_TOKEN or TWILIO_API_KEY with Twilio's own API): the simulator runs only without them",
    };
  }
  if (config.production && config.simulator !== 'on')
    return { enabled: false, reason: 'NODE_ENV=production (set SIMULATOR=on to run it there)' };
  return { enabled: true };
}
