import { bookAppointment, cancelAppointment, moveAppointment } from '../../src/diary/booking.js';
import { JobRunner, backoffMs } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, testClock, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { MONDAY_9AM } from '../helpers/phone-line.js';
import { databaseKinds } from '../helpers/services.js';
import { signedTwilioPost } from '../helpers/twilio.js';
import { expectRequestsMatchTwilio } from '../helpers/twilio-spec.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const TUESDAY_11 = new Date('2027-06-08T10:00:00Z'); // 11:00 in London

describe.each(databaseKinds())('Text messages (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN });
    await standin.start();
  });
  afterAll(async () => {
    expectRequestsMatchTwilio(standin.requests);
    await standin.stop();
    await db.drop();
  });

  async function textingClinic(options: { texts?: boolean } = {}) {
    const diary = await makeDiary(db.prisma);
    await db.prisma.clinic.update({ where: { id: diary.clinic.id }, data: { textMessages: options.texts ?? true } });
    const clock = testClock(MONDAY_9AM);
    const { app, ctx } = makeTestApp(db, {
      clock,
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: standin.url },
    });
    const deps = ctx;
    const runner = new JobRunner(db, jobHandlers(ctx), { logger: ctx.logger, clock });
    const sentTo = (to: string) => standin.messages.filter((m) => m.to === to);
    return { ...diary, app, ctx, clock, deps, runner, sentTo };
  }

  it('confirms a booking, a move and a cancellation by text, in local time; a Twilio failing twice still sends each once', async () => {
    const { clinic, patel, checkUp, deps, runner, clock, sentTo } = await textingClinic();
    const patient = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Sam Lee', phone: '+447700900201' },
    });
    const booked = await bookAppointment(deps, {
      clinicId: clinic.id,
      practitionerId: patel.id,
      typeId: checkUp.id,
      patientId: patient.id,
      startsAt: TUESDAY_11,
      source: 'dashboard',
      actor: { type: 'system' },
    });
    await moveAppointment(deps, {
      clinicId: clinic.id,
      appointmentId: booked.id,
      startsAt: new Date('2027-06-08T13:30:00Z'),
      source: 'dashboard',
      actor: { type: 'system' },
    });
    await cancelAppointment(deps, { clinicId: clinic.id, appointmentId: booked.id, actor: { type: 'system' } });

    standin.fail({ path: /\/Messages\.json$/, times: 2 });
    for (let i = 0; i < 6; i++) {
      await runner.runDue();
      clock.advance(backoffMs(i + 1));
    }
    // Each job runs on its own, so the three may arrive in any order; each arrives once.
    expect(
      sentTo('+447700900201')
        .map((m) => m.body)
        .sort(),
    ).toEqual([
      'Riverside Dental: your check-up with Dr Patel has moved to Tuesday 8 June at 14:30. To change it, call us.',
      'Riverside Dental: your check-up with Dr Patel is booked for Tuesday 8 June at 11:00. To change it, call us.',
      'Riverside Dental: your check-up with Dr Patel on Tuesday 8 June at 14:30 is cancelled. To book again, call us.',
    ]);
    expect(sentTo('+447700900201').every((m) => m.from === clinic.numbers[0])).toBe(true);
    const rows = await db.prisma.textMessage.findMany({ where: { clinicId: clinic.id } });
    expect(rows.every((r) => r.status === 'sent' && r.messageSid?.startsWith('SM'))).toBe(true);
    expect(await db.prisma.job.findMany({ where: { kind: 'text.send' }, select: { status: true } })).toEqual(
      expect.arrayContaining([{ status: 'done' }]),
    );
  });

  it('a number Twilio refuses is marked failed at once, not retried', async () => {
    const { clinic, patel, checkUp, deps, runner, clock } = await textingClinic();
    const patient = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Landline Lou', phone: '+441632960999' },
    });
    await bookAppointment(deps, {
      clinicId: clinic.id,
      practitionerId: patel.id,
      typeId: checkUp.id,
      patientId: patient.id,
      startsAt: TUESDAY_11,
      source: 'dashboard',
      actor: { type: 'system' },
    });
    standin.fail({
      path: /\/Messages\.json$/,
      status: 400,
      code: 21614,
      message: "'To' number is not a valid mobile number",
    });
    await runner.runDue();
    clock.advance(backoffMs(1));
    expect(await runner.runDue()).toBe(0);
    expect(await db.prisma.textMessage.findFirstOrThrow({ where: { clinicId: clinic.id } })).toMatchObject({
      status: 'failed',
    });
    const job = await db.prisma.job.findFirstOrThrow({
      where: { kind: 'text.send', status: 'failed' },
      orderBy: { createdAt: 'desc' },
    });
    expect(job.lastError).toContain('Twilio refused the text');
    expect(job.attempts).toBe(1);
  });

  it('a clinic that does not send texts sends none; one cannot turn texts on without Twilio configured', async () => {
    const { clinic, patel, checkUp, deps } = await textingClinic({ texts: false });
    const patient = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Quiet Quinn', phone: '+447700900202' },
    });
    await bookAppointment(deps, {
      clinicId: clinic.id,
      practitionerId: patel.id,
      typeId: checkUp.id,
      patientId: patient.id,
      startsAt: TUESDAY_11,
      source: 'dashboard',
      actor: { type: 'system' },
    });
    expect(await db.prisma.textMessage.count({ where: { clinicId: clinic.id } })).toBe(0);

    const { app } = makeTestApp(db, { env: { TWILIO_ACCOUNT_SID: undefined } });
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const browser = browserAgent(app);
    await browser.signIn(owner);
    const refused = await browser.send('patch', `/api/clinics/${clinic.id}`, { textMessages: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: 'textMessages' });
    expect((await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).textMessages).toBe(false);
  });

  it('a cancellation is offered by text to those waiting; the first YES books it and a later YES hears it has gone', async () => {
    const { clinic, patel, checkUp, deps, app, runner, sentTo } = await textingClinic();
    const holder = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Holder', phone: '+447700900300' },
    });
    const [first, second] = [
      await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'Early Bird', phone: '+447700900301' } }),
      await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'Late Riser', phone: '+447700900302' } }),
    ];
    for (const p of [first, second]) {
      await db.prisma.waitlistEntry.create({
        data: {
          clinicId: clinic.id,
          patientId: p.id,
          typeId: checkUp.id,
          fromDate: new Date('2027-06-07'),
          toDate: new Date('2027-06-11'),
        },
      });
    }
    const held = await bookAppointment(deps, {
      clinicId: clinic.id,
      practitionerId: patel.id,
      typeId: checkUp.id,
      patientId: holder.id,
      startsAt: TUESDAY_11,
      source: 'dashboard',
      actor: { type: 'system' },
    });
    await cancelAppointment(deps, { clinicId: clinic.id, appointmentId: held.id, actor: { type: 'system' } });
    while ((await runner.runDue()) > 0);
    const offerText =
      'Riverside Dental: an appointment with Dr Patel is free on Tuesday 8 June at 11:00. Reply YES to take it.';
    expect(sentTo('+447700900301').map((m) => m.body)).toEqual([offerText]);
    expect(sentTo('+447700900302').map((m) => m.body)).toEqual([offerText]);

    const text = (from: string, body: string, n: number) =>
      signedTwilioPost(app, '/twilio/sms', {
        AccountSid: ACCOUNT,
        MessageSid: 'SM' + String(n).padStart(32, '0'),
        From: from,
        To: clinic.numbers[0]!,
        Body: body,
        NumMedia: '0',
      });
    expect((await text('+447700900302', 'what?', 1)).text).toContain(
      '<Message>Riverside Dental: reply YES to take Tuesday 8 June at 11:00, or call us.</Message>',
    );
    const yes = await text('+447700900302', 'Yes please', 2);
    expect(yes.status).toBe(200);
    expect(yes.text).toContain(
      '<Message>Riverside Dental: you are booked for Tuesday 8 June at 11:00. To change it, call us.</Message>',
    );
    expect((await text('+447700900302', 'Yes please', 2)).text).toContain('you are booked for'); // Twilio repeated the webhook
    const late = await text('+447700900301', 'YES', 3);
    expect(late.text).toContain(
      '<Message>Riverside Dental: sorry, that time has been taken. You are still on our waiting list.</Message>',
    );

    const live = await db.prisma.appointment.findMany({ where: { clinicId: clinic.id, status: 'booked' } });
    expect(live).toEqual([expect.objectContaining({ patientId: second.id, startsAt: TUESDAY_11, source: 'text' })]);
    expect(
      (await db.prisma.waitlistEntry.findFirstOrThrow({ where: { patientId: second.id } })).resolvedAt,
    ).not.toBeNull();
    expect((await db.prisma.waitlistEntry.findFirstOrThrow({ where: { patientId: first.id } })).resolvedAt).toBeNull();
    // The reply confirmed it; no second confirmation is queued.
    expect(
      await db.prisma.textMessage.count({ where: { clinicId: clinic.id, kind: 'booked', toNumber: '+447700900302' } }),
    ).toBe(0);
    // A text from a number with no offer gets no reply at all.
    expect((await text('+447700900999', 'YES', 4)).text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
});
