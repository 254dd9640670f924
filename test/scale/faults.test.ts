// Faults under load, on a real server process: the database goes away and comes back.
import type { Express } from 'express';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs } from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';
import { randomBytes } from 'node:crypto';

describeWith(needs.postgres, 'Faults under load (a real process; PostgreSQL behind a TCP proxy)', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    const url = new URL(db.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await proxy.close();
    await db.drop();
  });

  it('while PostgreSQL is cut, every call still hears spoken TwiML within the deadline; service resumes by itself when it is back', async () => {
    const { clinic } = await makeDiary(db.prisma);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { fallbackNumber: '+447700900456' } });
    const viaProxy = new URL(db.url!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    server = await startServerProcess({
      DATABASE_URL: viaProxy.toString(),
      SESSION_SECRET: 'x'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      PUBLIC_BASE_URL: TEST_BASE_URL,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      DATA_DIR: await tempDataDir(),
    });
    const base = server.url as unknown as Express;

    type Answer = { at: number; ms: number; status: number; apology: boolean; menu: boolean };
    const answers: Answer[] = [];
    let running = true;
    // A steady load: eight callers ringing in over and over.
    const callers = Array.from({ length: 8 }, async () => {
      while (running) {
        const started = Date.now();
        const res = await signedTwilioPost(
          base,
          '/twilio/voice',
          inboundCall({
            CallSid: 'CA' + randomBytes(16).toString('hex'),
            To: clinic.numbers[0]!,
            From: '+447700900123',
          }),
        );
        answers.push({
          at: started,
          ms: Date.now() - started,
          status: res.status,
          apology: /we can't take your call right now/.test(res.text) && res.text.includes('+447700900456'),
          menu: /How can I help\?/.test(res.text),
        });
      }
    });
    const ready = async () => (await fetch(`${server!.url}/readyz`)).status;
    await new Promise((r) => setTimeout(r, 1_500));
    proxy.cut();
    const cutAt = Date.now();
    await new Promise((r) => setTimeout(r, 4_000));
    const readyWhileDown = await ready();
    proxy.restore();
    const restoredAt = Date.now();
    // Connections opened into the black hole give up after the pool's 10 s connect timeout; then all is well.
    await new Promise((r) => setTimeout(r, 14_000));
    running = false;
    await Promise.all(callers);

    expect(answers.every((a) => a.status === 200 && (a.menu || a.apology))).toBe(true);
    const during = answers.filter((a) => a.at > cutAt + 100 && a.at + a.ms < restoredAt);
    expect(during.length).toBeGreaterThanOrEqual(8); // every caller answered at least once while it was down
    expect(during.every((a) => a.apology && a.ms < 2_500)).toBe(true);
    expect(readyWhileDown).toBe(503);
    // Back by itself: calls started once those connections have given up reach the menu again, and are recorded.
    const recovered = Math.min(...answers.filter((a) => a.at > restoredAt && a.menu).map((a) => a.at));
    expect(recovered - restoredAt).toBeLessThan(11_000);
    const after = answers.filter((a) => a.at > restoredAt + 11_000);
    expect(after.length).toBeGreaterThan(8);
    expect(after.every((a) => a.menu)).toBe(true);
    expect(await ready()).toBe(200);
    expect(
      await db.prisma.call.count({ where: { clinicId: clinic.id, startedAt: { gt: new Date(restoredAt + 11_000) } } }),
    ).toBeGreaterThanOrEqual(after.length);
  });
});
