// The owner's words on the phone line: other names for appointment types, the urgent
import { Caller } from '../helpers/caller.js';
// phrases and the emergency advice (approved by an owner), changed in Settings and
// heard on the next call.
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { clinicLine } from '../helpers/phone-line.js';

describe("The clinic's own words on the phone line", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function signedIn(app: Parameters<typeof browserAgent>[0], clinicId: string, role: 'owner' | 'receptionist') {
    const who = browserAgent(app);
    expect((await who.signIn(await makeStaff(db.prisma, clinicId, role))).status).toBe(200);
    return who;
  }

  it('an owner adds "filling" to a type; the next caller who says it is offered that type', async () => {
    const { app, clinic, patel } = await clinicLine(db);
    const owner = await signedIn(app, clinic.id, 'owner');
    const base = `/api/clinics/${clinic.id}`;
    const created = await owner.send('post', `${base}/appointment-types`, {
      name: 'Restoration',
      durationMinutes: 45,
      practitionerIds: [patel.id],
      synonyms: ['filling', 'tooth repair'],
    });
    expect(created.status).toBe(201);
    expect(created.body.synonyms).toEqual(['filling', 'tooth repair']);
    const bad = await owner.send('patch', `${base}/appointment-types/${created.body.id}`, {
      synonyms: ['x'.repeat(101)],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('synonyms.0');

    const caller = new Caller(app, clinic.numbers[0]!, '+447700900555');
    await caller.dial();
    await caller.say('I think I need a filling on Wednesday');
    expect(caller.heard()).toMatch(/^Dr Patel has Wednesday the 9th at 9/);
    await caller.press('1');
    await caller.say('Sam Lee');
    await caller.press('1');
    await caller.say('1st of March 1990');
    await caller.press('1');
    expect(caller.heard()).toContain('To book a restoration with Dr Patel on Wednesday the 9th at 9 for Sam Lee');
  });

  it('urgent phrases and advice: the owner’s words are heard at once; approval is stamped, and asked again after a change', async () => {
    const { app, clinic } = await clinicLine(db);
    const owner = await signedIn(app, clinic.id, 'owner');
    const base = `/api/clinics/${clinic.id}`;
    const detail = await owner.get(base);
    expect(detail.body).toMatchObject({ urgentPhrases: null, emergencyAdvice: null, emergencyAdviceApprovedAt: null });
    expect(detail.body.emergencyDefaults.urgentPhrases).toContain('chest pain');
    expect(detail.body.emergencyDefaults.advice).toMatch(/999/);

    const receptionist = await signedIn(app, clinic.id, 'receptionist');
    expect((await receptionist.send('patch', base, { emergencyAdviceApproved: true })).status).toBe(403);

    const approved = await owner.send('patch', base, { emergencyAdviceApproved: true });
    expect(approved.status).toBe(200);
    expect(approved.body.emergencyAdviceApprovedAt).toEqual(expect.any(String));

    const tooLong = await owner.send('patch', base, { urgentPhrases: `chest pain\n${'x'.repeat(101)}` });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.field).toBe('urgentPhrases');
    const changed = await owner.send('patch', base, {
      urgentPhrases: 'knocked out a tooth\nswollen face\n\n  chest pain  ',
      emergencyAdvice: 'For a dental emergency out of hours, call 0161 496 0000. For chest pain, call 999.',
    });
    expect(changed.body).toMatchObject({
      urgentPhrases: 'knocked out a tooth\nswollen face\nchest pain',
      emergencyAdviceApprovedAt: null,
    });
    const audit = await db.prisma.auditEntry.findMany({
      where: { clinicId: clinic.id, action: 'clinic.settings_changed' },
    });
    expect(audit.map((a) => (a.details as { fields: string[] }).fields)).toEqual(
      expect.arrayContaining([
        ['emergencyAdviceApprovedAt'],
        ['emergencyAdvice', 'emergencyAdviceApprovedAt', 'urgentPhrases'],
      ]),
    );

    const caller = new Caller(app, clinic.numbers[0]!, '+447700900556');
    await caller.dial();
    await caller.say('my son has knocked out his front tooth');
    expect(caller.heard()).toMatch(
      /^For a dental emergency out of hours, call 0161 496 0000\. For chest pain, call 999\./,
    );
    expect(caller.dialled()).toBe('+441632960555');
    // A phrase no longer on the list is a wish like any other.
    const other = new Caller(app, clinic.numbers[0]!, '+447700900557');
    await other.dial();
    await other.say("I can't breathe through my nose, can I book a check-up");
    expect(other.heard()).toMatch(/^Dr Patel has today at 11/);
  });
});
