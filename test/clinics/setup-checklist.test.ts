// A new clinic's set-up checklist: the rules (pure), and GET …/setup for its owner.
import { setupChecklist, type SetupFacts } from '../../src/clinics/setup-checklist.js';
import type { SetupChecklist } from '../../src/contracts/api.js';
import { makeTestApp, TEST_BASE_URL } from '../helpers/app.js';
import { Caller } from '../helpers/caller.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';

const ready: SetupFacts = {
  receptionHourRanges: 5,
  practitioners: [
    { name: 'Anita Patel', hasHours: true },
    { name: 'Omar Khan', hasHours: true },
  ],
  phoneBookableTypes: 1,
  emergencyAdviceApproved: true,
  deskPhone: false,
  receptionists: 1,
  callAnswered: false,
  numbers: ['+441632960101'],
  callReceived: true,
  voiceWebhook: 'https://phone.example.com/twilio/voice',
};
const notDone = (list: SetupChecklist) => list.items.filter((i) => !i.done).map((i) => i.key);
const item = (list: SetupChecklist, key: string) => list.items.find((i) => i.key === key)!;

describe('The set-up checklist, as rules', () => {
  it('is done when the clinic has everything a caller needs', () => {
    const list = setupChecklist(ready);
    expect(list.done).toBe(true);
    expect(notDone(list)).toEqual([]);
  });

  it('lists everything for an empty clinic, each with where in Settings it is done', () => {
    const list = setupChecklist({
      ...ready,
      receptionHourRanges: 0,
      practitioners: [],
      phoneBookableTypes: 0,
      emergencyAdviceApproved: false,
      receptionists: 0,
      callReceived: false,
    });
    expect(list.done).toBe(false);
    expect(list.items.map((i) => [i.key, i.done, i.settingsSection])).toEqual([
      ['reception-hours', false, 'Reception hours'],
      ['practitioner', false, 'Practitioners'],
      ['working-hours', false, 'Practitioners'],
      ['phone-booking', false, 'Appointment types'],
      ['emergency-advice', false, 'Urgent phrases and emergency advice'],
      ['someone-answers', false, 'Phone line'],
      ['first-call', false, null],
    ]);
  });

  it('names the practitioners who have no working hours', () => {
    const list = setupChecklist({
      ...ready,
      practitioners: [
        { name: 'Anita Patel', hasHours: false },
        { name: 'Omar Khan', hasHours: true },
        { name: 'Grace Okafor', hasHours: false },
      ],
    });
    expect(notDone(list)).toEqual(['working-hours']);
    expect(item(list, 'working-hours').detail).toMatch(/^Anita Patel and Grace Okafor have no working hours/);
  });

  it('counts a receptionist, a desk phone, or a call a person answered as someone to answer', () => {
    const nobody = { ...ready, receptionists: 0, deskPhone: false, callAnswered: false };
    expect(notDone(setupChecklist(nobody))).toEqual(['someone-answers']);
    expect(setupChecklist({ ...nobody, receptionists: 2 }).done).toBe(true);
    expect(setupChecklist({ ...nobody, deskPhone: true }).done).toBe(true);
    // An owner working alone, who has taken a call on the Live screen.
    expect(setupChecklist({ ...nobody, callAnswered: true }).done).toBe(true);
  });

  it("without a call yet, says where Twilio's webhook must point and to ring the number", () => {
    const list = setupChecklist({ ...ready, callReceived: false });
    expect(notDone(list)).toEqual(['first-call']);
    expect(item(list, 'first-call').detail).toBe(
      'No call has reached +441632960101 yet. In Twilio\'s console set the number\'s "A call comes in" webhook to ' +
        'https://phone.example.com/twilio/voice (README, "Twilio console, step by step"), then ring it.',
    );
  });
});

describe('GET /api/clinics/:clinicId/setup', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  const ownerOf = async (clinicId: string) => {
    const { app } = makeTestApp(db);
    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, clinicId, 'owner'));
    return { app, owner, url: `/api/clinics/${clinicId}/setup` };
  };

  it('a new, empty clinic: nothing is done yet', async () => {
    const clinic = await makeClinic(db.prisma);
    const { owner, url } = await ownerOf(clinic.id);
    const res = await owner.get(url);
    expect(res.status).toBe(200);
    expect(res.body.done).toBe(false);
    expect(res.body.items.map((i: { key: string; done: boolean }) => [i.key, i.done])).toEqual([
      ['reception-hours', false],
      ['practitioner', false],
      ['working-hours', false],
      ['phone-booking', false],
      ['emergency-advice', false],
      ['someone-answers', false],
      ['first-call', false],
    ]);
    expect(item(res.body, 'first-call').detail).toContain(`${clinic.numbers[0]} yet`);
    expect(item(res.body, 'first-call').detail).toContain(`${TEST_BASE_URL}/twilio/voice`);
  });

  it('a clinic its owner has set up, and whose number has been rung: everything is done', async () => {
    const { clinic } = await makeDiary(db.prisma);
    const { app, owner, url } = await ownerOf(clinic.id);
    expect(notDone((await owner.get(url)).body)).toEqual([
      'reception-hours',
      'emergency-advice',
      'someone-answers',
      'first-call',
    ]);

    const hours = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
    expect((await owner.send('put', `/api/clinics/${clinic.id}/opening-hours`, { hours })).status).toBe(200);
    const settings = { emergencyAdviceApproved: true, receptionNumber: '01632 960999' };
    expect((await owner.send('patch', `/api/clinics/${clinic.id}`, settings)).status).toBe(200);
    expect(notDone((await owner.get(url)).body)).toEqual(['first-call']);

    await new Caller(app, clinic.numbers[0]!, '+447700900555').dial();
    const res = await owner.get(url);
    expect(res.body).toMatchObject({ done: true });
    expect(notDone(res.body)).toEqual([]);
  });

  it('a practitioner who is retired, or a type nobody offers, does not count', async () => {
    const { clinic, patel, khan, checkUp } = await makeDiary(db.prisma);
    const { owner, url } = await ownerOf(clinic.id);
    await db.prisma.practitioner.update({ where: { id: khan.id }, data: { workingHours: { deleteMany: {} } } });
    expect(item((await owner.get(url)).body, 'working-hours')).toMatchObject({ done: false });
    expect(item((await owner.get(url)).body, 'working-hours').detail).toMatch(/^Omar Khan has no working hours/);
    await db.prisma.practitioner.updateMany({ where: { id: { in: [patel.id, khan.id] } }, data: { active: false } });
    const list = (await owner.get(url)).body;
    expect(item(list, 'practitioner')).toMatchObject({ done: false });
    expect(item(list, 'phone-booking')).toMatchObject({ done: false });
    await db.prisma.practitioner.update({ where: { id: patel.id }, data: { active: true } });
    await db.prisma.appointmentType.update({ where: { id: checkUp.id }, data: { phoneBookable: false } });
    expect(item((await owner.get(url)).body, 'phone-booking')).toMatchObject({ done: false });
  });

  it("is an owner's: a receptionist is refused 403, another clinic's owner 404, nobody signed in 401", async () => {
    const clinic = await makeClinic(db.prisma);
    const other = await makeClinic(db.prisma);
    const { app } = makeTestApp(db);
    const url = `/api/clinics/${clinic.id}/setup`;

    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    expect((await desk.get(url)).status).toBe(403);

    const otherOwner = browserAgent(app);
    await otherOwner.signIn(await makeStaff(db.prisma, other.id, 'owner'));
    const res = await otherOwner.get(url);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(clinic.numbers[0]);
    expect((await otherOwner.get(`/api/clinics/${other.id}/setup`)).status).toBe(200);

    expect((await browserAgent(app).get(url)).status).toBe(401);
  });
});
