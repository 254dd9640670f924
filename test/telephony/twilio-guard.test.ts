import request from 'supertest';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { makeClinic } from '../helpers/fixtures.js';
import { inboundCall, signedTwilioPost, twilioSignature } from '../helpers/twilio.js';

describe("Twilio's signature helper", () => {
  it("reproduces Twilio's published example", () => {
    // The worked example in Twilio's webhook-security documentation.
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });
});

describe("Every /twilio/ route is guarded by Twilio's signature", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it("a correctly signed call to a clinic number is answered with the clinic's name", async () => {
    const clinic = await makeClinic(db.prisma, { name: 'Harbour Physio' });
    const res = await signedTwilioPost(makeTestApp(db).app, '/twilio/voice', inboundCall({ To: clinic.numbers[0]! }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.text).toMatch(/^<\?xml/);
    expect(res.text).toContain('Thank you for calling Harbour Physio');
  });

  it('a signed call to a number no clinic has is told so politely', async () => {
    const res = await signedTwilioPost(makeTestApp(db).app, '/twilio/voice', inboundCall({ To: '+441632960999' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('not connected to a clinic');
    expect(res.text).toContain('<Hangup/>');
  });

  it('unsigned, wrongly signed, tampered or wrong-token requests get 403 and nothing else', async () => {
    const clinic = await makeClinic(db.prisma);
    const { app, ctx } = makeTestApp(db);
    const params = inboundCall({ To: clinic.numbers[0]! });
    const url = TEST_BASE_URL + '/twilio/voice';
    const good = twilioSignature(TEST_AUTH_TOKEN, url, params);
    const attempts = [
      request(app).post('/twilio/voice').type('form').send(params),
      request(app).post('/twilio/voice').type('form').set('X-Twilio-Signature', 'bm90IGEgc2lnbmF0dXJl').send(params),
      request(app)
        .post('/twilio/voice')
        .type('form')
        .set('X-Twilio-Signature', good)
        .send({ ...params, From: '+447700900999' }),
      request(app)
        .post('/twilio/voice')
        .type('form')
        .set('X-Twilio-Signature', twilioSignature('f'.repeat(32), url, params))
        .send(params),
      request(app).post('/twilio/status').type('form').set('X-Twilio-Signature', good).send(params),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('<Response>');
    }
    // Nothing happened: the clinic was not even looked up, so the fallback directory learnt nothing.
    expect(ctx.fallbackDirectory.lookup(clinic.numbers[0])).toBeUndefined();
  });

  it('the query string is part of what is signed', async () => {
    const clinic = await makeClinic(db.prisma);
    const { app } = makeTestApp(db);
    const params = inboundCall({ To: clinic.numbers[0]! });
    const signedWithout = twilioSignature(TEST_AUTH_TOKEN, TEST_BASE_URL + '/twilio/voice', params);
    const tampered = await request(app)
      .post('/twilio/voice?step=menu')
      .type('form')
      .set('X-Twilio-Signature', signedWithout)
      .send(params);
    expect(tampered.status).toBe(403);
    const signedWith = await signedTwilioPost(app, '/twilio/voice?step=menu', params);
    expect(signedWith.status).toBe(200);
  });

  it('behind a proxy that rewrites protocol and host, the signature is still checked against PUBLIC_BASE_URL', async () => {
    const clinic = await makeClinic(db.prisma);
    const { app } = makeTestApp(db, { env: { TRUST_PROXY: 'true' } });
    const params = inboundCall({ To: clinic.numbers[0]! });
    // Twilio called https://phone.clinic.test; the app itself sees http://10.0.0.5:8080.
    const res = await request(app)
      .post('/twilio/voice')
      .type('form')
      .set('Host', '10.0.0.5:8080')
      .set('X-Forwarded-Proto', 'http')
      .set('X-Forwarded-Host', 'internal.lb')
      .set('X-Twilio-Signature', twilioSignature(TEST_AUTH_TOKEN, TEST_BASE_URL + '/twilio/voice', params))
      .send(params);
    expect(res.status).toBe(200);
    // ... and a signature made for the URL the app sees is refused.
    const forInternal = await request(app)
      .post('/twilio/voice')
      .type('form')
      .set('Host', '10.0.0.5:8080')
      .set('X-Twilio-Signature', twilioSignature(TEST_AUTH_TOKEN, 'http://10.0.0.5:8080/twilio/voice', params))
      .send(params);
    expect(forInternal.status).toBe(403);
  });

  it('with no Auth Token configured, every Twilio request is refused', async () => {
    const { app } = makeTestApp(db, { env: { TWILIO_AUTH_TOKEN: undefined } });
    const res = await signedTwilioPost(app, '/twilio/voice', inboundCall());
    expect(res.status).toBe(403);
  });

  it('/twilio/* needs no CSRF token or cookie', async () => {
    const clinic = await makeClinic(db.prisma);
    const res = await signedTwilioPost(makeTestApp(db).app, '/twilio/voice', inboundCall({ To: clinic.numbers[0]! }));
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('a webhook that fails inside still answers spoken TwiML, never an error', async () => {
    const { app } = makeTestApp(db);
    const res = await signedTwilioPost(app, '/twilio/voice', { ...inboundCall(), CallSid: 'not-a-call-sid' });
    expect(res.status).toBe(200);
    expect(res.text).toContain("We're sorry");
  });
});
