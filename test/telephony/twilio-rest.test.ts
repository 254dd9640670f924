import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwilioRest } from '../../src/twilio/rest.js';

const ACCOUNT = 'AC' + '3'.repeat(32);
const RECORDING = 'RE' + '4'.repeat(32);

/**
 * A server that drops the connection under the first request it gets, as a peer
 * does when its keep-alive timeout closes a connection the client is reusing.
 */
async function serverDroppingFirstRequest() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.method!);
    if (seen.length === 1) return void req.socket.destroy();
    if (req.method === 'DELETE') return void res.writeHead(204).end();
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ sid: 'SM' + '5'.repeat(32), status: 'queued' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    seen,
    client: createTwilioRest({ twilio: { accountSid: ACCOUNT, authToken: '6'.repeat(32), apiBaseUrl: url } })!,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('The Twilio REST client and connections closed under it', () => {
  it('sends a deletion again on a new connection when the one it used was closed before any answer', async () => {
    const twilio = await serverDroppingFirstRequest();
    try {
      expect(await twilio.client.recordings(RECORDING).remove()).toBe(true);
      expect(twilio.seen).toEqual(['DELETE', 'DELETE']);
    } finally {
      await twilio.close();
    }
  });

  it('never sends a text twice: a request that creates something fails instead', async () => {
    const twilio = await serverDroppingFirstRequest();
    try {
      await expect(
        twilio.client.messages.create({ to: '+447700900123', from: '+441632960000', body: 'Hello' }),
      ).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(twilio.seen).toEqual(['POST']);
    } finally {
      await twilio.close();
    }
  });
});
