// Each instance keeps a clinic's words for the phone line (its practitioners, the types
// callers may book by phone, their synonyms) and reads them again only when the clinic's
// wordsVersion differs, which database triggers change on every write to those rows.
// A change made anywhere — the API, another instance, SQL by hand — is heard on the next call.
import type { Express } from 'express';
import { ClinicWordsCache, type Vocabulary } from '../../src/telephony/clinic-words.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { Caller } from '../helpers/caller.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { clinicLine, MONDAY_9AM } from '../helpers/phone-line.js';
import { databaseKinds } from '../helpers/services.js';

/** The speech hints of the first question a caller hears: the clinic's words as the line holds them. */
async function hintsHeardOn(app: Express, number: string): Promise<string[]> {
  const caller = new Caller(app, number, '+447700900777');
  await caller.dial();
  const hints = /hints="([^"]*)"/.exec(caller.twiml)?.[1];
  if (hints === undefined) throw new Error(`no speech hints in ${caller.twiml}`);
  return hints.split(', ');
}

describe.each(databaseKinds())("The phone line's words, kept between calls (%s database)", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  const versionOf = async (clinicId: string) =>
    (await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { wordsVersion: true } }))
      .wordsVersion;

  it('a change made through one instance, or by SQL by hand, is heard on the next call on both', async () => {
    const { app, clinic, khan, checkUp } = await clinicLine(db);
    const other = makeTestApp(db, { clock: testClock(MONDAY_9AM) }).app;
    const number = clinic.numbers[0]!;
    for (const instance of [app, other])
      expect(await hintsHeardOn(instance, number)).toEqual(expect.arrayContaining(['Dr Khan', 'Check-up']));

    // An owner, on the first instance, gives the check-up another name callers use.
    const owner = browserAgent(app);
    expect((await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'))).status).toBe(200);
    const renamed = await owner.send('patch', `/api/clinics/${clinic.id}/appointment-types/${checkUp.id}`, {
      synonyms: ['MOT'],
    });
    expect(renamed.status).toBe(200);
    for (const instance of [other, app]) expect(await hintsHeardOn(instance, number)).toContain('MOT');

    // Dr Khan leaves; then an operator renames Dr Patel in SQL. Neither goes through the service.
    await db.prisma.practitioner.update({ where: { id: khan.id }, data: { active: false } });
    for (const instance of [app, other]) expect(await hintsHeardOn(instance, number)).not.toContain('Dr Khan');
    await db.sql(
      `UPDATE "Practitioner" SET "spokenName" = 'Doctor Anita' WHERE "clinicId" = $1::uuid AND "name" = $2`,
      [clinic.id, 'Anita Patel'],
    );
    for (const instance of [app, other]) {
      const hints = await hintsHeardOn(instance, number);
      expect(hints).toContain('Doctor Anita');
      expect(hints).not.toContain('Dr Khan');
      expect(hints).not.toContain('Dr Patel');
    }

    // Nobody offers the check-up any more: callers are no longer offered it.
    await db.prisma.appointmentTypePractitioner.deleteMany({ where: { typeId: checkUp.id } });
    for (const instance of [other, app]) {
      const hints = await hintsHeardOn(instance, number);
      expect(hints).not.toContain('Check-up');
      expect(hints).not.toContain('MOT');
    }
  });

  it('the version changes with the words and only with them', async () => {
    const { clinic, patel, khan, checkUp, caller } = await clinicLine(db);
    const other = await clinicLine(db);
    const otherVersion = await versionOf(other.clinic.id);
    const p = db.prisma;
    const extra = await p.appointmentType.create({
      data: { clinicId: clinic.id, name: 'Consultation', durationMinutes: 20 },
    });
    const writes: Array<[string, () => Promise<unknown>, boolean]> = [
      [
        'a call',
        async () => {
          await caller('+447700900123').dial();
        },
        false,
      ],
      ['working hours', () => p.workingHours.deleteMany({ where: { practitionerId: khan.id } }), false],
      [
        'a type’s length',
        () => p.appointmentType.update({ where: { id: checkUp.id }, data: { durationMinutes: 20 } }),
        false,
      ],
      [
        'a name set to itself',
        () => p.practitioner.update({ where: { id: patel.id }, data: { name: 'Anita Patel' } }),
        false,
      ],
      ['a name', () => p.practitioner.update({ where: { id: khan.id }, data: { name: 'Omar S Khan' } }), true],
      [
        'a spoken name',
        () => p.practitioner.update({ where: { id: patel.id }, data: { spokenName: 'Dr A Patel' } }),
        true,
      ],
      [
        'a practitioner leaving',
        () => p.practitioner.update({ where: { id: khan.id }, data: { active: false } }),
        true,
      ],
      ['a practitioner back', () => p.practitioner.update({ where: { id: khan.id }, data: { active: true } }), true],
      [
        'a new practitioner',
        () =>
          p.practitioner.create({ data: { clinicId: clinic.id, name: 'Grace Okafor', spokenName: 'Nurse Okafor' } }),
        true,
      ],
      [
        'a type renamed',
        () => p.appointmentType.update({ where: { id: checkUp.id }, data: { name: 'Check up' } }),
        true,
      ],
      [
        'other names for a type',
        () => p.appointmentType.update({ where: { id: checkUp.id }, data: { synonyms: ['MOT'] } }),
        true,
      ],
      [
        'a type no longer bookable by phone',
        () => p.appointmentType.update({ where: { id: checkUp.id }, data: { phoneBookable: false } }),
        true,
      ],
      [
        'a type withdrawn',
        () => p.appointmentType.update({ where: { id: checkUp.id }, data: { active: false } }),
        true,
      ],
      [
        'a new type',
        () =>
          p.appointmentType.create({ data: { clinicId: clinic.id, name: 'Scale and polish', durationMinutes: 30 } }),
        true,
      ],
      [
        'an offer made',
        () => p.appointmentTypePractitioner.create({ data: { typeId: extra.id, practitionerId: patel.id } }),
        true,
      ],
      [
        'an offer withdrawn',
        () =>
          p.appointmentTypePractitioner.delete({
            where: { typeId_practitionerId: { typeId: checkUp.id, practitionerId: khan.id } },
          }),
        true,
      ],
      ['a type removed', () => p.appointmentType.delete({ where: { id: extra.id } }), true],
      ['a practitioner removed', () => p.practitioner.delete({ where: { id: khan.id } }), true],
    ];
    const seen: Array<[string, boolean]> = [];
    for (const [what, write] of writes) {
      const before = await versionOf(clinic.id);
      await write();
      seen.push([what, (await versionOf(clinic.id)) !== before]);
    }
    expect(seen).toEqual(writes.map(([what, , changed]) => [what, changed]));
    // Another clinic's words are its own.
    expect(await versionOf(other.clinic.id)).toBe(otherVersion);
    // A clinic closed with everything in it goes without a fault from its triggers.
    await p.clinic.delete({ where: { id: other.clinic.id } });
    expect(await p.practitioner.count({ where: { clinicId: other.clinic.id } })).toBe(0);
  });
});

describe('Keeping the words of each clinic', () => {
  const vocabulary = (name: string): Vocabulary => ({
    practitioners: [{ id: name, name, spokenName: name }],
    types: [],
  });
  /** A reader of the words that counts its reads and answers from `words`. */
  function reader(words: Record<string, string>) {
    const reads: string[] = [];
    const read = async (clinicId: string) => {
      reads.push(clinicId);
      if (!(clinicId in words)) throw new Error('the database is down');
      return vocabulary(words[clinicId]!);
    };
    return { reads, read };
  }
  const clinic = (id: string, wordsVersion: string) => ({ id, wordsVersion, urgentPhrases: `urgent ${id}` });

  it('reads a clinic once per version, once for requests arriving together, and takes its urgent phrases as they come', async () => {
    const words = { a: 'Dr A', b: 'Dr B' };
    const { reads, read } = reader(words);
    const cache = new ClinicWordsCache(read);
    const together = await Promise.all([1, 2, 3].map(() => cache.wordsOf(clinic('a', 'v1'))));
    expect(together.map((w) => w.practitioners[0]!.spokenName)).toEqual(['Dr A', 'Dr A', 'Dr A']);
    expect(reads).toEqual(['a']);
    expect(await cache.wordsOf({ ...clinic('a', 'v1'), urgentPhrases: 'chest pain' })).toMatchObject({
      urgentPhrases: 'chest pain',
    });
    expect(reads).toEqual(['a']);
    words.a = 'Dr A2';
    expect((await cache.wordsOf(clinic('a', 'v2'))).practitioners[0]!.spokenName).toBe('Dr A2');
    await cache.wordsOf(clinic('b', 'v1'));
    expect(reads).toEqual(['a', 'a', 'b']);
    // What one call was given, no call can change for the next.
    const given = await cache.wordsOf(clinic('a', 'v2'));
    expect(() => (given.practitioners as unknown[]).push('x')).toThrow();
  });

  it('keeps no failed read, and forgets the clinic used longest ago beyond its capacity', async () => {
    const words: Record<string, string> = { a: 'Dr A', b: 'Dr B', c: 'Dr C' };
    const { reads, read } = reader(words);
    const cache = new ClinicWordsCache(read, 2);
    await expect(cache.wordsOf(clinic('down', 'v1'))).rejects.toThrow('the database is down');
    words.down = 'Dr Up';
    expect((await cache.wordsOf(clinic('down', 'v1'))).practitioners[0]!.spokenName).toBe('Dr Up');
    await cache.wordsOf(clinic('a', 'v1'));
    await cache.wordsOf(clinic('down', 'v1')); // used again: now the newest
    await cache.wordsOf(clinic('b', 'v1')); // a goes
    await cache.wordsOf(clinic('down', 'v1'));
    await cache.wordsOf(clinic('a', 'v1'));
    expect(reads).toEqual(['down', 'down', 'a', 'b', 'a']);
  });
});
