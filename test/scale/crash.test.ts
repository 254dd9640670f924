// `kill -9` of a real server process in the middle of a steady load of phone calls
// and bookings, then a restart on the same database: nothing is half-written, and
// once Twilio's status callbacks are replayed every call is in the log, complete.
import type { Express } from 'express';
import { DateTime } from 'luxon';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { Caller } from '../helpers/caller.js';
import { databaseAndStandin } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { signIn } from '../helpers/http-browser.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs } from '../helpers/services.js';
import { signedTwilioPost } from '../helpers/twilio.js';
import { until } from '../helpers/until.js';

const ACCOUNT = 'AC' + 'b'.repeat(32);
const CALLERS = 8;
const DESKS = 3;

describeWith(needs.postgres, 'A server killed (SIGKILL) under load, then restarted', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });
  const world = databaseAndStandin('postgres', ACCOUNT);

  it('leaves no half-written booking, and every call is complete once Twilio replays its callbacks', async () => {
    const { db, standin } = world;
    const { clinic, patel, khan, checkUp } = await makeDiary(db.prisma);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { textMessages: true, minNoticeMinutes: 0 } });
    await db.prisma.openingHours.createMany({
      data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, startMinute: 0, endMinute: 1440 })),
    });
    // Known callers, each on their own phone, and the desk's own patients.
    const phones = Array.from({ length: 60 }, (_, i) => `+4477009${String(10_000 + i).slice(1)}`);
    await db.prisma.patient.createMany({
      data: phones.map((phone, i) => ({
        clinicId: clinic.id,
        name: `Caller ${i}`,
        phone,
        dateOfBirth: new Date('1980-01-01'),
      })),
    });
    const deskPatients = await db.prisma.patient.findMany({ where: { clinicId: clinic.id }, select: { id: true } });
    const desk = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const env = {
      DATABASE_URL: db.url,
      SESSION_SECRET: 'x'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      PUBLIC_BASE_URL: TEST_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_API_BASE_URL: standin.url,
      DATA_DIR: await tempDataDir(),
      // A job the killed server held is taken over once its lease runs out.
      JOBS_LEASE_SECONDS: '5',
    };
    server = await startServerProcess(env);
    const first = server;
    const browser = await signIn(first.url, desk);

    // What the outside world was told: by the phone line and by the API.
    const dialled: Array<{ sid: string; from: string }> = [];
    const toldBooked = new Set<string>(); // CallSids that heard "You're booked"
    const created = new Set<string>(); // appointment ids the API answered 201 for
    let stop = false;
    let serverGone = false;

    const phoneCaller = async (k: number) => {
      for (let n = 0; !stop; n++) {
        const from = phones[(k * 7 + n) % phones.length]!;
        const caller = new Caller(first.url as unknown as Express, clinic.numbers[0]!, from);
        dialled.push({ sid: caller.sid, from });
        try {
          await caller.dial();
          await caller.press('1'); // book
          for (let later = 0; later < k % 4; later++) await caller.press('9'); // later times: callers spread over the diary
          await caller.press(String(1 + ((k + n) % 3))); // one of the three times offered
          await caller.press('1'); // someone registered
          await caller.press('01011980'); // their date of birth
          await caller.press('1'); // yes
          if (caller.heard().startsWith("You're booked")) toldBooked.add(caller.sid);
        } catch {
          // The server died mid-call: Twilio would now play the fallback URL's apology.
          if (serverGone) return;
        }
      }
    };
    const deskBooker = async (k: number) => {
      for (let n = 0; !stop; n++) {
        // Far ahead, each desk its own days: these mostly succeed.
        const day = DateTime.now()
          .setZone('Europe/London')
          .plus({ weeks: 2 + k })
          .set({ weekday: (1 + (n % 5)) as 1 | 2 | 3 | 4 | 5, hour: 9, minute: 0, second: 0, millisecond: 0 });
        const startsAt = day.plus({ minutes: 30 * (Math.floor(n / 5) % 16) });
        try {
          const res = await browser.call('POST', `/api/clinics/${clinic.id}/appointments`, {
            patientId: deskPatients[n % deskPatients.length]!.id,
            practitionerId: n % 2 ? patel.id : khan.id,
            typeId: checkUp.id,
            startsAt: startsAt.toUTC().toISO(),
          });
          if (res.status === 201) created.add(res.body.id as string);
        } catch {
          if (serverGone) return;
        }
      }
    };
    const load = [
      ...Array.from({ length: CALLERS }, (_, k) => phoneCaller(k)),
      ...Array.from({ length: DESKS }, (_, k) => deskBooker(k)),
    ];

    // Let the load run, then pull the plug in the middle of it.
    await until(
      'a steady load',
      async () => (await db.prisma.appointment.count({ where: { clinicId: clinic.id } })) >= 60,
      60_000,
    );
    serverGone = true;
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(load);
    const bookingsAtKill = await db.prisma.appointment.count({ where: { clinicId: clinic.id } });
    expect(bookingsAtKill).toBeGreaterThanOrEqual(60);

    // The operator (or the platform) starts it again on the same database.
    server = await startServerProcess(env);
    // Twilio's status callbacks for every call, including those that ended while the server was down.
    for (const call of dialled) {
      const res = await signedTwilioPost(server.url as unknown as Express, '/twilio/status', {
        AccountSid: ACCOUNT,
        CallSid: call.sid,
        CallStatus: 'completed',
        CallDuration: '30',
        From: call.from,
        To: clinic.numbers[0]!,
        Direction: 'inbound',
      });
      expect(res.status).toBe(200);
    }

    // Every call dialled is in the log, once, ended.
    const calls = await db.prisma.call.findMany({ where: { clinicId: clinic.id }, include: { events: true } });
    expect(calls.map((c) => c.callSid).sort()).toEqual(dialled.map((c) => c.sid).sort());
    for (const call of calls)
      expect(call).toMatchObject({ status: 'completed', durationSeconds: 30, endedAt: expect.any(Date) });

    // No half-written booking: each appointment has its audit entry and its confirmation
    // text, and a phone booking is on its call as booked — all or nothing.
    const appointments = await db.prisma.appointment.findMany({ where: { clinicId: clinic.id } });
    const audited = new Set(
      (await db.prisma.auditEntry.findMany({ where: { clinicId: clinic.id, action: 'appointment.booked' } })).map(
        (a) => a.subjectId,
      ),
    );
    const texts = await db.prisma.textMessage.findMany({ where: { clinicId: clinic.id } });
    for (const a of appointments) expect(audited.has(a.id)).toBe(true);
    expect(audited.size).toBe(appointments.length);
    expect(texts.map((t) => t.kind)).toEqual(appointments.map(() => 'booked'));
    const bookedByPhone = appointments.filter((a) => a.source === 'phone');
    const callsThatBooked = calls.filter((c) => c.outcome === 'booked');
    expect(
      callsThatBooked.map((c) => (c.ivrState as { bookedAppointmentId?: string }).bookedAppointmentId).sort(),
    ).toEqual(bookedByPhone.map((a) => a.id).sort());
    // Whatever anyone was told is true.
    for (const sid of toldBooked) expect(callsThatBooked.some((c) => c.callSid === sid)).toBe(true);
    for (const id of created) expect(appointments.some((a) => a.id === id)).toBe(true);

    // The restarted server finishes what the dead one left: every confirmation is sent.
    await until(
      'every confirmation text sent',
      async () =>
        (await db.prisma.textMessage.count({ where: { clinicId: clinic.id, status: 'sent' } })) === appointments.length,
      60_000,
    );
    const sentTo = new Set(standin.messages.map((m) => m.sid));
    for (const t of await db.prisma.textMessage.findMany({ where: { clinicId: clinic.id } }))
      expect(sentTo.has(t.messageSid!)).toBe(true);
    // Texts are at least once: a send the kill cut between Twilio's answer and our
    // record of it goes again (Twilio's API has no idempotency key) — at most the
    // five jobs an instance runs at a time.
    expect(standin.messages.length - appointments.length).toBeGreaterThanOrEqual(0);
    expect(standin.messages.length - appointments.length).toBeLessThanOrEqual(5);
  }, 180_000);
});
