import request from 'supertest';
import { openTestDatabase } from '../helpers/database.js';
import { makeTestApp } from '../helpers/app.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';

const fallbackParams = (to: string) => ({
  ...inboundCall({ To: to }),
  ErrorCode: '11200',
  ErrorUrl: 'https://phone.clinic.test/twilio/voice',
});

describe("Twilio's fallback URL", () => {
  it('an unsigned request gets the plain spoken apology and learns nothing', async () => {
    const db = await openTestDatabase('embedded');
    try {
      const clinic = await makeClinic(db.prisma, { fallbackNumber: '+447700900456' });
      const { app, ctx } = makeTestApp(db);
      ctx.fallbackDirectory.remember(clinic);
      const res = await request(app).post('/twilio/fallback').type('form').send(fallbackParams(clinic.numbers[0]!));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/xml/);
      expect(res.text).toContain("We're sorry, we can't take your call right now");
      expect(res.text).toContain('<Hangup/>');
      expect(res.text).not.toContain('<Dial');
      expect(res.text).not.toContain('+447700900456');
    } finally {
      await db.drop();
    }
  });

  it('with the database stopped, a signed request for a clinic this instance has read is put through to its fallback number', async () => {
    const db = await openTestDatabase('embedded');
    const clinic = await makeClinic(db.prisma, { name: 'Harbour Physio', fallbackNumber: '+447700900456' });
    const other = await makeClinic(db.prisma, { fallbackNumber: null });
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const { app } = makeTestApp(db);
    // The instance reads the clinic's settings in ordinary use (here: the owner's dashboard, and a call).
    const browser = browserAgent(app);
    await browser.signIn(owner);
    await browser.get(`/api/clinics/${clinic.id}`);
    await signedTwilioPost(app, '/twilio/voice', inboundCall({ To: other.numbers[0]! }));

    await db.drop(); // the database is gone
    expect((await request(app).get('/readyz')).status).toBe(503);

    const forwarded = await signedTwilioPost(app, '/twilio/fallback', fallbackParams(clinic.numbers[0]!));
    expect(forwarded.status).toBe(200);
    expect(forwarded.text).toContain("We're sorry");
    expect(forwarded.text).toMatch(/<Dial>\+447700900456<\/Dial>/);

    const noFallback = await signedTwilioPost(app, '/twilio/fallback', fallbackParams(other.numbers[0]!));
    expect(noFallback.text).toContain('<Hangup/>');
    const unknown = await signedTwilioPost(app, '/twilio/fallback', fallbackParams('+441632960998'));
    expect(unknown.text).toContain('<Hangup/>');

    // And the main webhook, its database gone, still speaks instead of failing.
    const voice = await signedTwilioPost(app, '/twilio/voice', inboundCall({ To: clinic.numbers[0]! }));
    expect(voice.status).toBe(200);
    expect(voice.text).toMatch(/<Dial>\+447700900456<\/Dial>/);
  });
});
