import { DateTime } from 'luxon';
import { DEMO_OPENING_HOURS, DEMO_PRACTITIONERS, DEMO_TYPES, planDemoClinic } from '../../src/demo/demo-data.js';
import { DEMO_NUMBER, seedDemoClinicIfEmpty } from '../../src/demo/demo.js';
import { nextFreeSlots } from '../../src/diary/availability.js';
import { periodReport } from '../../src/statistics/statistics.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { open } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { openTranscript } from '../../src/recordings/transcripts.js';
import { FileStorage } from '../../src/recordings/storage.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';

// Wednesday 10 March 2027, 11:20 in London (GMT), and a Sunday across the clocks going forward.
const WEDNESDAY = new Date('2027-03-10T11:20:00Z');
const DST_SUNDAY = new Date('2027-03-28T15:00:00Z');
const LONDON = 'Europe/London';

describe('The demo clinic, planned', () => {
  it('is the same all day (later, only more of it is past), and different another day', () => {
    const [morning, evening] = [
      planDemoClinic(WEDNESDAY, LONDON),
      planDemoClinic(new Date('2027-03-10T19:00:00Z'), LONDON),
    ];
    expect(planDemoClinic(WEDNESDAY, LONDON)).toEqual(morning);
    const slot = (a: { practitioner: string; type: string; startsAt: Date; patient: number }) =>
      `${a.practitioner} ${a.type} ${a.startsAt.toISOString()} ${a.patient}`;
    expect(evening.appointments.map(slot)).toEqual(morning.appointments.map(slot));
    expect(evening.calls.slice(0, morning.calls.length).map((c) => c.callSid)).toEqual(
      morning.calls.map((c) => c.callSid),
    );
    expect(evening.calls.length).toBeGreaterThan(morning.calls.length);
    expect(planDemoClinic(new Date('2027-03-11T11:20:00Z'), LONDON).calls.map((c) => c.callSid)).not.toEqual(
      morning.calls.map((c) => c.callSid),
    );
  });

  it.each([WEDNESDAY, DST_SUNDAY])(
    'books only within hours, on the grid, never twice at once, and past ones are settled (%s)',
    (now) => {
      const plan = planDemoClinic(now, LONDON);
      const local = (d: Date) => DateTime.fromJSDate(d, { zone: LONDON });
      const byPractitioner = new Map<string, Array<{ from: number; to: number }>>();
      for (const a of plan.appointments) {
        const practitioner = DEMO_PRACTITIONERS.find((p) => p.key === a.practitioner)!;
        const type = DEMO_TYPES.find((t) => t.key === a.type)!;
        expect(type.by as readonly string[]).toContain(a.practitioner);
        const [start, end] = [local(a.startsAt), local(a.endsAt)];
        expect(end.diff(start, 'minutes').minutes).toBe(type.durationMinutes);
        expect(start.minute % 15).toBe(0);
        const [from, to] = [start.hour * 60 + start.minute, end.hour * 60 + end.minute];
        expect(practitioner.hours.some(([d, s, e]) => d === start.weekday && s <= from && to <= e)).toBe(true);
        if (a.status !== 'booked' && a.status !== 'cancelled')
          expect(a.endsAt.getTime()).toBeLessThanOrEqual(now.getTime());
        if (a.status === 'booked') expect(a.endsAt.getTime()).toBeGreaterThan(now.getTime());
        if (a.status === 'cancelled') continue;
        const taken = byPractitioner.get(a.practitioner) ?? [];
        expect(taken.filter((t) => t.from < a.endsAt.getTime() && a.startsAt.getTime() < t.to)).toEqual([]);
        taken.push({ from: a.startsAt.getTime(), to: a.endsAt.getTime() });
        byPractitioner.set(a.practitioner, taken);
      }
      // This week's diary is busy, next week's has room.
      expect(plan.appointments.length).toBeGreaterThan(150);
      // Realistic people: every name different, nobody twice on one day.
      expect(new Set(plan.patients.map((p) => p.name)).size).toBe(plan.patients.length);
      const visits = plan.appointments.map((a) => `${a.patient} ${local(a.startsAt).toISODate()}`);
      expect(new Set(visits).size).toBe(visits.length);
      expect(plan.appointments.some((a) => a.status === 'booked')).toBe(true);
    },
  );

  it('has seven days of calls up to now, in every outcome the statistics count', () => {
    const plan = planDemoClinic(WEDNESDAY, LONDON);
    expect(
      plan.calls.every((c) => c.startedAt <= WEDNESDAY && c.startedAt > new Date(WEDNESDAY.getTime() - 7 * 86_400_000)),
    ).toBe(true);
    const outcomes = new Set(plan.calls.map((c) => c.outcome));
    for (const o of ['booked', 'moved', 'cancelled', 'reception', 'voicemail', 'abandoned', 'out_of_hours', null])
      expect(outcomes).toContain(o);
    // Out of hours means reception was closed.
    for (const c of plan.calls.filter((c) => c.outcome === 'out_of_hours')) {
      const t = DateTime.fromJSDate(c.startedAt, { zone: LONDON });
      expect(
        DEMO_OPENING_HOURS.some(
          ([d, s, e]) => d === t.weekday && s <= t.hour * 60 + t.minute && t.hour * 60 + t.minute < e,
        ),
      ).toBe(false);
    }
    // Some call-backs are still to make; none was made before it was asked for, or after now.
    const backs = plan.calls.filter((c) => c.callBack);
    expect(backs.some((c) => c.callBack!.doneAfterMinutes === null)).toBe(true);
    for (const c of backs.filter((c) => c.callBack!.doneAfterMinutes !== null)) {
      expect(c.callBack!.doneAfterMinutes! * 60).toBeGreaterThan(c.durationSeconds);
      expect(c.startedAt.getTime() + c.callBack!.doneAfterMinutes! * 60_000).toBeLessThanOrEqual(WEDNESDAY.getTime());
    }
  });
});

describe('The demo clinic, written to an empty embedded database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('gives every screen something to show, and the database accepts all of it (the no-double-booking constraint included)', async () => {
    const audio = {
      storage: new FileStorage(await mkdtemp(path.join(os.tmpdir(), 'demo-audio-'))),
      masterKey: randomBytes(32),
    };
    const signIn = await seedDemoClinicIfEmpty(db.prisma, WEDNESDAY, audio);
    expect(signIn?.clinicName).toBe('Demo Clinic');
    const clinic = await db.prisma.clinic.findFirstOrThrow({
      where: { numbers: { some: { e164: DEMO_NUMBER } } },
      include: { practitioners: true, appointmentTypes: true, openingHours: true },
    });
    expect(clinic.practitioners.map((p) => p.spokenName).sort()).toEqual(['Dr Khan', 'Dr Patel', 'Nurse Okafor']);
    expect(clinic.appointmentTypes).toHaveLength(DEMO_TYPES.length);
    expect(clinic.openingHours).toHaveLength(DEMO_OPENING_HOURS.length);
    const plan = planDemoClinic(WEDNESDAY, LONDON);
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(plan.appointments.length);
    expect(await db.prisma.call.count({ where: { clinicId: clinic.id } })).toBe(plan.calls.length);
    expect(await db.prisma.callBack.count({ where: { clinicId: clinic.id, doneAt: null } })).toBeGreaterThan(0);
    expect(await db.prisma.waitlistEntry.count({ where: { clinicId: clinic.id } })).toBe(2);

    // Every voicemail on the call-back list plays (stored, encrypted with the clinic's key, MP3 inside) and has its transcript.
    const voicemails = await db.prisma.call.findMany({
      where: { clinicId: clinic.id, outcome: 'voicemail' },
      include: { recordings: true },
    });
    expect(voicemails.length).toBeGreaterThan(0);
    const key = await clinicDataKey(db.prisma, audio.masterKey, clinic.id);
    for (const call of voicemails) {
      expect(call.recordings).toEqual([
        expect.objectContaining({ kind: 'voicemail', status: 'stored', durationSeconds: expect.any(Number) }),
      ]);
      const recording = call.recordings[0]!;
      expect(recording.createdAt.getTime()).toBeGreaterThan(call.startedAt.getTime());
      const mp3 = open(key, (await audio.storage.get(recording.id))!, recording.id);
      expect([mp3.length, mp3.subarray(0, 2)]).toEqual([recording.sizeBytes, Buffer.from([0xff, 0xfb])]);
      // And its transcript reads beside the player, sealed the same way.
      expect(recording.transcriptStatus).toBe('completed');
      expect(openTranscript(key, recording.transcript!, recording.id)).toMatch(/^(Hello|Hi), .+[.?]$/);
    }

    // The phone line has times to offer, and the statistics page has a week to draw.
    const checkUp = clinic.appointmentTypes.find((t) => t.name === 'Check-up')!;
    expect(
      await nextFreeSlots(db.prisma, {
        clinicId: clinic.id,
        typeId: checkUp.id,
        limit: 3,
        applyNotice: true,
        now: WEDNESDAY,
      }),
    ).toHaveLength(3);
    const report = await periodReport(
      db.prisma,
      { id: clinic.id, timeZone: LONDON },
      '2027-03-04',
      '2027-03-10',
      WEDNESDAY,
    );
    expect(report.totals.calls).toBe(plan.calls.length);
    expect(report.totals.answered).toBeGreaterThan(0);
    expect(report.totals.booked).toBeGreaterThan(0);
    expect(report.totals.abandoned).toBeGreaterThan(0);
    // NHS England's classes: every call in exactly one, on the demo's week.
    const nhs = report.nhs!.indicators;
    expect(nhs.CBT001).toBe(plan.calls.length);
    expect(nhs.CBT002 + nhs.CBT003 + nhs.CBT004 + nhs.CBT005).toBe(nhs.CBT001);
    expect(nhs.CBT007).toBe(nhs.CBT003);
    expect(Math.min(nhs.CBT002, nhs.CBT003, nhs.CBT004)).toBeGreaterThan(0);
    // Every unanswered call that wanted a person is followed up, one open entry per number.
    const openEntries = await db.prisma.callBack.findMany({ where: { clinicId: clinic.id, doneAt: null } });
    expect(new Set(openEntries.map((b) => b.fromNumber)).size).toBe(openEntries.length);
    expect(
      await db.prisma.call.count({
        where: { clinicId: clinic.id, outcome: { in: ['voicemail', 'abandoned'] }, callBackId: null },
      }),
    ).toBe(0);

    // Only once: a second start finds the clinic and adds nothing.
    expect(await seedDemoClinicIfEmpty(db.prisma, WEDNESDAY)).toBeNull();
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(plan.appointments.length);
  });
});
