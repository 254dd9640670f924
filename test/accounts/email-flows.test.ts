// Email for people, end to end against a real SMTP server on 127.0.0.1: an owner's
// invitation reaches the invitee's inbox and its link is accepted; "forgot password" on the
// sign-in page emails a link that sets a new password; the answer is the same for an email
// with no account; the requests are throttled; an SMTP server that is down leaves a failed
// job the operator sees and retries. No token and no SMTP password ever reaches the logs.
import { JobRunner } from '../../src/jobs/runner.js';
import { listJobs, retryFailedJob } from '../../src/jobs/admin.js';
import { inviteStaff } from '../../src/accounts/invitations.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { makeTestApp, TEST_BASE_URL, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';
import { startSmtpServer, type TestSmtp } from '../helpers/smtp.js';

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
const MAIL_FROM = 'Clinic line <noreply@clinic.test>';

describe.each(databaseKinds())('Email for people, on the %s database', (kind) => {
  let db: TestDatabase;
  let smtp: TestSmtp;
  /** Every log line of every app and job runner the tests made, and every token emailed. */
  const logs: string[][] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.stop();
    await db.drop();
  });
  beforeEach(async () => {
    await db.prisma.job.deleteMany();
    smtp.refusing = false;
  });

  /** The app with SMTP_URL set, and a job runner on its clock writing to its logs. */
  function service(env: Record<string, string> = {}) {
    const clock = testClock(new Date('2027-03-01T09:00:00Z'));
    const test = makeTestApp(db, { clock, env: { SMTP_URL: smtp.url, MAIL_FROM, ...env } });
    logs.push(test.logs);
    const runner = new JobRunner(db, jobHandlers(test.ctx), { logger: test.ctx.logger, clock });
    return { ...test, clock, runner };
  }

  /** The one email to `address` since `before` emails had arrived for it, its link remembered as a secret. */
  function emailTo(address: string, linkStart: string) {
    const all = smtp.to(address);
    const email = all.at(-1);
    if (!email) throw new Error(`no email to ${address}`);
    const link = email.link(`${TEST_BASE_URL}${linkStart}`);
    tokens.push(tokenOf(link));
    return { email, link, count: all.length };
  }

  /** A receptionist of a new clinic, and a browser on the sign-in page (not signed in), beside the service. */
  async function atTheSignInPage(s: ReturnType<typeof service>, clinicName = 'Riverside Dental') {
    const clinic = await makeClinic(db.prisma, { name: clinicName });
    const person = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const browser = browserAgent(s.app);
    await browser.get('/api/session');
    return { clinic, person, browser };
  }

  async function ownerOf(app: ReturnType<typeof service>['app'], name = 'Riverside Dental') {
    const clinic = await makeClinic(db.prisma, { name });
    const login = await makeStaff(db.prisma, clinic.id, 'owner');
    await db.prisma.user.update({ where: { id: login.userId }, data: { name: 'Alex Khan' } });
    const owner = browserAgent(app);
    expect((await owner.signIn(login)).status).toBe(200);
    return { clinic, owner, invitations: `/api/clinics/${clinic.id}/invitations` };
  }

  it('an owner invites by email: only the invitee gets the link, accepts it, and the owner sees it went', async () => {
    const s = service();
    const { clinic, owner, invitations } = await ownerOf(s.app);
    expect((await owner.get(invitations)).body).toEqual({ invitations: [], byEmail: true });

    const invited = await owner.send('post', invitations, {
      email: 'nia.patel@clinic.test',
      role: 'receptionist',
      name: 'Nia Patel',
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ link: null, invitation: { email: 'nia.patel@clinic.test', emailedAt: null } });
    expect(await s.runner.runDue()).toBe(1);

    const { email, link } = emailTo('nia.patel@clinic.test', '/invitation#token=');
    expect(email.from).toBe(MAIL_FROM);
    expect(email.subject).toBe("You are invited to join Riverside Dental's phone line");
    expect(email.text).toContain('Hello Nia Patel,');
    expect(email.text).toContain('Alex Khan invited you to join Riverside Dental as a receptionist');
    expect(email.text).toContain('The link works once, until Mon, 8 Mar 2027, 09:00 (Europe/London time).');
    expect((await owner.get(invitations)).body.invitations).toEqual([
      expect.objectContaining({ email: 'nia.patel@clinic.test', emailedAt: '2027-03-01T09:00:00.000Z' }),
    ]);
    // The job named the invitation only: the token was made as the email left.
    expect(JSON.stringify(await db.prisma.job.findMany())).not.toContain(tokenOf(link));

    const nia = browserAgent(s.app);
    await nia.get('/api/session');
    const offer = await nia.send('post', '/api/invitations/inspect', { token: tokenOf(link) });
    expect(offer.body).toMatchObject({ clinicName: 'Riverside Dental', email: 'nia.patel@clinic.test' });
    const joined = await nia.send('post', '/api/invitations/accept', {
      token: tokenOf(link),
      password: 'a sentence Nia chose',
    });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({
      user: { email: 'nia.patel@clinic.test', name: 'Nia Patel' },
      joined: clinic.id,
    });
    expect((await owner.get(invitations)).body.invitations).toEqual([]);
  });

  it('an invitation withdrawn before its email left is not sent', async () => {
    const s = service();
    const { owner, invitations } = await ownerOf(s.app);
    const invited = await owner.send('post', invitations, { email: 'changed.mind@clinic.test', role: 'owner' });
    expect((await owner.send('delete', `${invitations}/${invited.body.invitation.id}`)).status).toBe(204);
    expect(await s.runner.runDue()).toBe(1);
    expect(smtp.to('changed.mind@clinic.test')).toEqual([]);
  });

  it('forgot password: the emailed link sets a new password and signs in; the old one works until then; a pending invitation stays', async () => {
    const s = service();
    const { clinic, person: sam, browser } = await atTheSignInPage(s, 'Hill Physio');
    const elsewhere = await makeClinic(db.prisma, { name: 'Elsewhere Dental' });
    const elsewhereOwner = await makeStaff(db.prisma, elsewhere.id, 'owner');
    const pending = await inviteStaff(
      db.prisma,
      {
        clinicId: elsewhere.id,
        email: sam.email,
        role: 'receptionist',
        baseUrl: TEST_BASE_URL,
        now: s.clock(),
        byEmail: false,
      },
      { type: 'user', userId: elsewhereOwner.userId },
    );

    expect((await browser.get('/api/session')).body).toMatchObject({ user: null, sendsEmail: true });
    const asked = await browser.send('post', '/api/session/forgot-password', { email: sam.email.toUpperCase() });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ accepted: true });
    expect(await s.runner.runDue()).toBe(1);

    const { email, link } = emailTo(sam.email, '/set-password#token=');
    expect(email.subject).toBe("A new password for Hill Physio's phone line");
    expect(email.text).toContain('Your current password keeps working until you use it.');
    expect(email.text).toContain('If you did not ask for this, ignore this email');
    // Until the link is used, the old password still signs in.
    expect((await browserAgent(s.app).signIn(sam)).status).toBe(200);

    expect((await browser.send('post', '/api/password-links/inspect', { token: tokenOf(link) })).body).toEqual({
      email: sam.email,
      name: null,
    });
    const used = await browser.send('post', '/api/password-links/use', {
      token: tokenOf(link),
      password: 'my brand new password',
    });
    expect(used.status).toBe(200);
    expect(used.body.user.email).toBe(sam.email);
    expect((await browserAgent(s.app).signIn({ email: sam.email, password: 'my brand new password' })).status).toBe(
      200,
    );
    expect((await browserAgent(s.app).signIn(sam)).status).toBe(401);
    // The invitation from the other clinic still works.
    const visitor = browserAgent(s.app);
    await visitor.get('/api/session');
    expect(
      (await visitor.send('post', '/api/invitations/inspect', { token: tokenOf(pending.link!) })).body,
    ).toMatchObject({ clinicName: 'Elsewhere Dental' });

    // The clinic's owner reads it in the audit log, as a wrong password typed for Sam would be.
    const owner = browserAgent(s.app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const audit = await owner.get(`/api/clinics/${clinic.id}/audit?category=sign_ins&actor=${sam.userId}`);
    expect(audit.body.entries.map((e: { who: string; what: string }) => `${e.who} · ${e.what}`)).toEqual(
      expect.arrayContaining(['Someone · asked for a password reset by email']),
    );
  });

  it('an email with no account gets exactly the answer a known one gets, and nothing is sent or recorded for it', async () => {
    const s = service();
    const { clinic, person: known, browser } = await atTheSignInPage(s);
    const recorded = () => db.prisma.auditEntry.count({ where: { action: 'staff.password_reset_asked' } });
    const before = await recorded();
    const ask = (email: string) => browser.send('post', '/api/session/forgot-password', { email });
    const forKnown = await ask(known.email);
    const forUnknown = await ask('nobody.here@clinic.test');
    const answer = (r: typeof forKnown) => ({
      status: r.status,
      body: r.body,
      type: r.headers['content-type'],
      length: r.headers['content-length'],
    });
    expect(answer(forUnknown)).toEqual(answer(forKnown));
    // The same work: one job each, whether or not anyone is behind the address.
    expect(await db.prisma.job.count({ where: { kind: 'mail.password-reset' } })).toBe(2);
    expect(await s.runner.runDue()).toBe(2);
    expect(smtp.to('nobody.here@clinic.test')).toEqual([]);
    emailTo(known.email, '/set-password#token=');
    // One entry, for the known person's clinic; none for the address nobody has.
    expect(await recorded()).toBe(before + 1);
    expect(
      await db.prisma.auditEntry.findMany({
        where: { action: 'staff.password_reset_asked', subjectId: known.userId },
        select: { clinicId: true, actorType: true },
      }),
    ).toEqual([{ clinicId: clinic.id, actorType: 'someone' }]);
  });

  it('requests are throttled per email (from anywhere) and per address, known or not, before any work', async () => {
    const s = service({ TRUST_PROXY: '1' });
    const { person: known, browser } = await atTheSignInPage(s);
    const ask = (email: string, from: string) =>
      browser.agent
        .post('/api/session/forgot-password')
        .set('X-Forwarded-For', from)
        .set('X-CSRF-Token', browser.csrf)
        .send({ email });
    // Six tries for each email, each from a new address: the sixth is refused, for the unknown email too.
    for (const email of [known.email, 'no.account@clinic.test']) {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await ask(email, `198.51.100.${i + 1}`)).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    }
    const refused = await ask(known.email, '198.51.100.77');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body.error.message).toMatch(/^Too many requests for a password link\. Try again in \d+ minutes\.$/);
    // One address asking for twenty different emails is stopped at the twenty-first.
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await ask(`person${i}@clinic.test`, '203.0.113.5')).status);
    expect(statuses).toEqual([...Array(20).fill(202), 429]);
    expect((await ask('another.person@clinic.test', '203.0.113.6')).status).toBe(202);
    // Jobs only for what was answered 202: five for each email, twenty-one for the rest.
    expect(await db.prisma.job.count({ where: { kind: 'mail.password-reset' } })).toBe(5 + 5 + 20 + 1);
    // An hour later the email may ask again.
    s.clock.advance(60 * 60 * 1000);
    expect((await ask(known.email, '198.51.100.1')).status).toBe(202);
  });

  it('an SMTP server that is down: the job retries, fails for good, is listed as failed, and sends once retried', async () => {
    const s = service();
    const { person: sam, browser } = await atTheSignInPage(s);
    smtp.refusing = true;
    expect((await browser.send('post', '/api/session/forgot-password', { email: sam.email })).status).toBe(202);

    for (let attempt = 1; attempt <= 8; attempt++) {
      expect(await s.runner.runDue()).toBe(1);
      const job = await db.prisma.job.findFirstOrThrow({ where: { kind: 'mail.password-reset' } });
      expect(job).toMatchObject({ attempts: attempt, status: attempt < 8 ? 'pending' : 'failed' });
      s.clock.set(job.runAt);
    }
    const [failed] = await listJobs(db.prisma, { failed: true });
    expect(failed).toMatchObject({ kind: 'mail.password-reset', status: 'failed', attempts: 8 });
    expect(failed!.lastError).toMatch(/^SMTP: .*451/);
    expect(smtp.to(sam.email)).toEqual([]);
    // Each try audited nothing more than the first.
    expect(
      await db.prisma.auditEntry.count({ where: { action: 'staff.password_reset_asked', subjectId: sam.userId } }),
    ).toBe(1);
    expect(s.logs.join('')).toContain('job failed; will retry');
    expect(s.logs.join('')).toContain('job failed for good');

    smtp.refusing = false;
    await retryFailedJob(db.prisma, failed!.id, s.clock(), { type: 'operator' });
    expect(await s.runner.runDue()).toBe(1);
    const { link, count } = emailTo(sam.email, '/set-password#token=');
    expect(count).toBe(1);
    const browserAgain = browserAgent(s.app);
    await browserAgain.get('/api/session');
    expect((await browserAgain.send('post', '/api/password-links/inspect', { token: tokenOf(link) })).status).toBe(200);
  });

  it('an invitation email that could not be sent yet shows as not emailed, and goes once the server is back', async () => {
    const s = service();
    const { owner, invitations } = await ownerOf(s.app);
    smtp.refusing = true;
    await owner.send('post', invitations, { email: 'waiting.for.mail@clinic.test', role: 'receptionist' });
    expect(await s.runner.runDue()).toBe(1);
    expect((await owner.get(invitations)).body.invitations).toEqual([
      expect.objectContaining({ email: 'waiting.for.mail@clinic.test', emailedAt: null }),
    ]);
    smtp.refusing = false;
    s.clock.advance(5_000);
    expect(await s.runner.runDue()).toBe(1);
    const { link } = emailTo('waiting.for.mail@clinic.test', '/invitation#token=');
    expect((await owner.get(invitations)).body.invitations[0].emailedAt).not.toBeNull();
    const visitor = browserAgent(s.app);
    await visitor.get('/api/session');
    expect((await visitor.send('post', '/api/invitations/inspect', { token: tokenOf(link) })).status).toBe(200);
  });

  it('without SMTP_URL nothing pretends: no forgot-password, and the owner gets the link to pass on', async () => {
    const { app } = makeTestApp(db);
    const browser = browserAgent(app);
    expect((await browser.get('/api/session')).body.sendsEmail).toBe(false);
    const asked = await browser.send('post', '/api/session/forgot-password', { email: 'someone@clinic.test' });
    expect(asked.status).toBe(404);
    expect(asked.body.error).toMatchObject({ code: 'email_off' });
    expect(asked.body.error.message).toMatch(/^This service does not send email/);
    const { owner, invitations } = await ownerOf(app);
    expect((await owner.get(invitations)).body.byEmail).toBe(false);
    const invited = await owner.send('post', invitations, { email: 'by.hand@clinic.test', role: 'receptionist' });
    expect(invited.body.link).toMatch(/^https:\/\/phone\.clinic\.test\/invitation#token=[\w-]{43}$/);
    expect(await db.prisma.job.count()).toBe(0);
  });

  it('a bad email is refused naming the field as the screen labels it', async () => {
    const s = service();
    const browser = browserAgent(s.app);
    await browser.get('/api/session');
    const bad = await browser.send('post', '/api/session/forgot-password', { email: 'not an email' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'email', message: 'Email: must be an email address' });
  });

  it('no token and no SMTP password ever reached a log line, a job or its error', async () => {
    expect(tokens.length).toBeGreaterThan(3);
    const secrets = [...tokens, smtp.password, encodeURIComponent(smtp.password)];
    const written = [logs.flat().join(''), JSON.stringify(await db.prisma.job.findMany())];
    for (const text of written) for (const secret of secrets) expect(text).not.toContain(secret);
    expect(logs.flat().join('')).toContain('"msg":"request completed"');
  });
});
