// The owner's audit log in people's words: who did what to whom, and when, with names
// looked up as the log is read, never written into it.
import { makeTestApp, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { rowsMentioning } from '../helpers/privacy.js';
import { databaseKinds } from '../helpers/services.js';

const NOW = new Date('2026-12-01T09:00:00Z');
let seq = 0;

interface Row {
  id: string;
  at: string;
  firstAt: string;
  count: number;
  who: string;
  what: string;
  about: string | null;
  action: string;
  category: string | null;
  actor: { type: string; id: string | null; name: string | null; email: string | null };
}

describe.each(databaseKinds())('The audit log in words (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  /** Riverside, with an owner (Olivia Owen) and a receptionist (Sam Lee) signed in, and a patient with a name no other test uses. */
  async function riverside() {
    const diary = await makeDiary(db.prisma);
    const patient = await db.prisma.patient.update({
      where: { id: diary.patient.id },
      data: { name: `Jane Doe ${++seq}x` },
    });
    const { app } = makeTestApp(db, { clock: testClock(NOW) });
    const ownerLogin = await makeStaff(db.prisma, diary.clinic.id, 'owner');
    await db.prisma.user.update({ where: { id: ownerLogin.userId }, data: { name: 'Olivia Owen' } });
    const deskLogin = await makeStaff(db.prisma, diary.clinic.id, 'receptionist');
    const owner = browserAgent(app);
    await owner.signIn(ownerLogin);
    const desk = browserAgent(app);
    await desk.signIn(deskLogin);
    expect((await desk.send('patch', '/api/session/profile', { name: '  Sam Lee ' })).body.user.name).toBe('Sam Lee');
    const base = `/api/clinics/${diary.clinic.id}`;
    const list = async (q = ''): Promise<{ entries: Row[]; nextBefore: string | null }> => {
      const res = await owner.get(`${base}/audit?${q}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    return { ...diary, patient, app, ownerLogin, deskLogin, owner, desk, base, list };
  }

  it("says who cancelled whose appointment, in the clinic's time; after erasure, only that it was an erased patient's", async () => {
    const r = await riverside();
    const appointment = await placeAppointment(
      db.prisma,
      { clinicId: r.clinic.id, practitionerId: r.khan.id, patientId: r.patient.id, typeId: r.checkUp.id },
      '2026-12-07T14:05:00Z',
    );
    expect((await r.desk.send('post', `${r.base}/appointments/${appointment.id}/cancel`, {})).status).toBe(200);
    expect((await r.owner.send('patch', r.base, { greeting: 'Hello', maxQueueSize: 7 })).status).toBe(200);

    const { entries } = await r.list();
    expect(entries.find((e) => e.action === 'appointment.cancelled')).toMatchObject({
      who: 'Sam Lee',
      what: 'cancelled an appointment',
      about: `${r.patient.name}'s Check-up on Mon, 7 Dec 2026, 14:05 with Omar Khan`,
      category: 'appointments',
      actor: { type: 'user', id: r.deskLogin.userId, name: 'Sam Lee', email: r.deskLogin.email },
    });
    expect(entries.find((e) => e.action === 'clinic.settings_changed')).toMatchObject({
      who: 'Olivia Owen',
      what: 'changed settings: Greeting, Most callers waiting',
    });
    expect(entries.find((e) => e.action === 'staff.name_changed')).toMatchObject({
      who: 'Sam Lee',
      what: 'changed their name',
      about: null,
    });
    // The log itself names no one: the words were put together as it was read.
    expect((await rowsMentioning(db, [r.patient.name])).filter((f) => f.startsWith('AuditEntry'))).toEqual([]);

    const erased = await r.owner.send('delete', `${r.base}/patients/${r.patient.id}`, { confirmName: r.patient.name });
    expect(erased.status).toBe(200);
    const after = (await r.list('category=appointments')).entries;
    expect(after.map((e) => [e.what, e.about])).toEqual([
      ['cancelled an appointment', "an erased patient's appointment"],
    ]);
    expect((await r.list('category=patients')).entries[0]).toMatchObject({
      who: 'Olivia Owen',
      what: 'erased a patient, with 1 appointment',
      about: 'an erased patient',
    });
    expect(await rowsMentioning(db, [r.patient.name])).toEqual([]);
  });

  it('shows one row for a run of sign-ins by one person on one day, and pages without splitting it', async () => {
    const r = await riverside();
    const signIn = (userId: string, at: string) => ({
      clinicId: null,
      actorType: 'user',
      actorId: userId,
      action: 'session.signed_in',
      at: new Date(at),
    });
    await db.prisma.auditEntry.deleteMany({ where: { actorId: { in: [r.deskLogin.userId, r.ownerLogin.userId] } } });
    await db.prisma.auditEntry.createMany({
      data: [
        signIn(r.deskLogin.userId, '2026-12-02T08:00:00Z'), // the day before: a row of its own
        ...Array.from({ length: 12 }, (_, i) =>
          signIn(r.deskLogin.userId, `2026-12-03T${String(8 + i).padStart(2, '0')}:00:00Z`),
        ),
        signIn(r.ownerLogin.userId, '2026-12-03T20:00:00Z'),
        signIn(r.deskLogin.userId, '2026-12-03T21:00:00Z'),
      ],
    });
    const q = 'category=sign_ins&from=2026-12-02&to=2026-12-03';
    const { entries } = await r.list(q);
    expect(entries.map((e) => [e.who, e.what, e.count])).toEqual([
      ['Sam Lee', 'signed in', 1],
      ['Olivia Owen', 'signed in', 1],
      ['Sam Lee', 'signed in 12 times', 12],
      ['Sam Lee', 'signed in', 1],
    ]);
    expect(entries[2]).toMatchObject({ firstAt: '2026-12-03T08:00:00.000Z', at: '2026-12-03T19:00:00.000Z' });
    // A page of one row at a time: the twelve stay one row.
    const pages: Array<[string, number]> = [];
    let before: string | null = '';
    while (before !== null) {
      const page: { entries: Row[]; nextBefore: string | null } = await r.list(
        `${q}&limit=1${before ? `&before=${before}` : ''}`,
      );
      pages.push(...page.entries.map((e): [string, number] => [e.who, e.count]));
      before = page.nextBefore;
    }
    expect(pages).toEqual([
      ['Sam Lee', 1],
      ['Olivia Owen', 1],
      ['Sam Lee', 12],
      ['Sam Lee', 1],
    ]);
    expect((await r.list(`${q}&actor=${r.ownerLogin.userId}`)).entries.map((e) => e.who)).toEqual(['Olivia Owen']);
  });

  it('records a wrong password for a member of staff in each of their clinics, and nothing for an unknown email', async () => {
    const r = await riverside();
    const elsewhere = await makeClinic(db.prisma);
    await db.prisma.membership.create({
      data: { userId: r.deskLogin.userId, clinicId: elsewhere.id, role: 'receptionist' },
    });
    const stranger = browserAgent(r.app);
    const before = await db.prisma.auditEntry.count();
    const unknown = await stranger.signIn({ email: 'nobody-here@clinic.test', password: 'a guess at a password' });
    expect(await db.prisma.auditEntry.count()).toBe(before);
    const wrong = await stranger.signIn({ email: r.deskLogin.email, password: 'a guess at a password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    const failed = await db.prisma.auditEntry.findMany({ where: { action: 'session.sign_in_failed' } });
    expect(failed.map((f) => f.clinicId).sort()).toEqual([r.clinic.id, elsewhere.id].sort());
    for (const f of failed) {
      expect(f).toMatchObject({
        actorType: 'someone',
        actorId: null,
        subjectType: 'user',
        subjectId: r.deskLogin.userId,
      });
      expect(f.details).toBeNull(); // neither the password typed nor where it came from
    }
    const row = (await r.list('category=sign_ins')).entries.find((e) => e.action === 'session.sign_in_failed');
    expect(row).toMatchObject({ who: 'Someone', what: 'tried to sign in with a wrong password', about: 'Sam Lee' });
    // Filtering by Sam shows attempts at Sam's account too.
    expect((await r.list(`actor=${r.deskLogin.userId}`)).entries.map((e) => e.action)).toContain(
      'session.sign_in_failed',
    );
  });

  it('downloads the log as CSV with the same filters, in local time with its offset, people by name', async () => {
    const r = await riverside();
    await db.prisma.auditEntry.createMany({
      data: [
        {
          clinicId: r.clinic.id,
          actorType: 'user',
          actorId: r.deskLogin.userId,
          action: 'recording.listened',
          subjectType: 'recording',
          subjectId: '00000000-0000-4000-8000-000000000001',
          at: new Date('2026-07-01T12:00:00Z'),
        },
        {
          clinicId: r.clinic.id,
          actorType: 'system',
          action: 'retention.purged',
          details: { held: 0, calls: 2 },
          at: new Date('2026-07-02T01:00:00Z'),
        },
      ],
    });
    const res = await r.owner.get(`${r.base}/audit.csv?from=2026-07-01&to=2026-07-02`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('audit-2026-07-01-2026-07-02.csv');
    expect(res.text.trim().split('\n')).toEqual([
      'time,who,who_email,what,about,action,category',
      '2026-07-02T02:00:00+01:00,The service,,deleted what its retention periods had ended: 2 calls,,retention.purged,recordings',
      `2026-07-01T13:00:00+01:00,Sam Lee,${r.deskLogin.email},listened to a recording,a recording since deleted,recording.listened,recordings`,
    ]);
    expect((await r.owner.get(`${r.base}/audit.csv?category=nonsense`)).body.error).toMatchObject({
      field: 'category',
    });
  });

  it('answers bad filters with a 400 naming the field', async () => {
    const r = await riverside();
    for (const [q, field] of [
      ['category=everything', 'category'],
      ['actor=sam', 'actor'],
      ['from=7/12/2026', 'from'],
      ['from=2026-12-07&to=2026-12-06', 'to'],
    ]) {
      const res = await r.owner.get(`${r.base}/audit?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ field });
    }
  });

  it("never shows one clinic's entries or staff names to another clinic's owner", async () => {
    const a = await riverside();
    const b = await riverside();
    const appointment = await placeAppointment(
      db.prisma,
      { clinicId: a.clinic.id, practitionerId: a.khan.id, patientId: a.patient.id, typeId: a.checkUp.id },
      '2026-12-07T14:05:00Z',
    );
    await a.desk.send('post', `${a.base}/appointments/${appointment.id}/cancel`, {});
    await db.prisma.user.update({ where: { id: a.deskLogin.userId }, data: { name: 'Only At Riverside A' } });
    await a.desk.signIn({ email: a.deskLogin.email, password: 'wrong password for a' });

    expect((await b.owner.get(`${a.base}/audit`)).status).toBe(404);
    expect((await b.owner.get(`${a.base}/audit.csv`)).status).toBe(404);
    const seen = JSON.stringify(await b.list()) + (await b.owner.get(`${b.base}/audit.csv`)).text;
    for (const secret of ['Only At Riverside A', a.deskLogin.email, a.patient.name, a.deskLogin.userId, appointment.id])
      expect(seen).not.toContain(secret);
    expect((await b.list(`actor=${a.deskLogin.userId}`)).entries).toEqual([]);
    expect(JSON.stringify(await a.list())).toContain('Only At Riverside A');
  });
});
