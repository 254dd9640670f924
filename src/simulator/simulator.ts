// The phone simulator's calls on this instance. Each call requests this service's
// own webhooks over HTTP, signed as Twilio signs them with a token only the server
// knows, so a simulated call takes exactly the path a real one does. Calls live in
// memory: the simulator is for one development instance.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { SimulatedCall } from './simulated-call.js';

const MAX_CALLS = 50;

export interface SimulatorTwilio {
  accountSid: string;
  authToken: string;
}

export class Simulator {
  private readonly calls = new Map<string, { clinicId: string; call: SimulatedCall }>();
  private localUrl?: string;

  constructor(
    private readonly account: SimulatorTwilio,
    private readonly publicBaseUrl: string,
  ) {}

  /** Where this instance listens; simulated requests go there (not through the public URL). */
  listening(url: string): void {
    this.localUrl = url.replace('//localhost:', '//127.0.0.1:');
  }

  get ready(): boolean {
    return this.localUrl !== undefined;
  }

  /** Places a call from `from` to `to` (one of the clinic's numbers) and plays it until it waits for the caller. */
  async place(clinicId: string, to: string, from: string): Promise<SimulatedCall> {
    const sid = 'CA' + randomBytes(16).toString('hex');
    const call = new SimulatedCall({ sid, accountSid: this.account.accountSid, from, to }, this.post);
    this.calls.set(sid, { clinicId, call });
    // The oldest ended calls make room.
    for (const [old, entry] of this.calls) {
      if (this.calls.size <= MAX_CALLS) break;
      if (entry.call.state === 'ended') this.calls.delete(old);
    }
    await call.dial();
    return call;
  }

  /** A call of this clinic's, or undefined. */
  find(clinicId: string, sid: string): SimulatedCall | undefined {
    const entry = this.calls.get(sid);
    return entry?.clinicId === clinicId ? entry.call : undefined;
  }

  private readonly post = async (url: string, params: Record<string, string>): Promise<string> => {
    if (!this.localUrl) throw new Error('the simulator does not know where this instance listens yet');
    const path = url.startsWith(this.publicBaseUrl) ? url.slice(this.publicBaseUrl.length) : url;
    const signature = twilio.getExpectedTwilioSignature(this.account.authToken, this.publicBaseUrl + path, params);
    const res = await fetch(this.localUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`${path.split('?')[0]} answered ${res.status}`);
    return res.text();
  };
}
