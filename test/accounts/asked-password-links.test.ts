// Set-password links side by side: a link someone asked for by email (anyone can ask in a
// person's name) must not end a link an operator handed that person; using any link ends the rest.
import { createPasswordLink, usePasswordLink } from '../../src/accounts/staff.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

const BASE = 'https://line.example';
const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
const fastHash = async (p: string) => `hashed:${p}`;

describe.each(databaseKinds())('Set-password links (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it("an emailed link asked for by anyone leaves the operator's link working; using either ends the other", async () => {
    const clinic = await makeClinic(db.prisma);
    const { userId } = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const now = new Date('2027-06-07T08:00:00Z');
    const operators = await createPasswordLink(db.prisma, userId, BASE, now);
    const asked = await createPasswordLink(db.prisma, userId, BASE, now, { keepOthers: true });
    expect(await db.prisma.passwordLink.count({ where: { userId } })).toBe(2);

    await usePasswordLink(db.prisma, tokenOf(operators), 'a new password 1', now, fastHash);
    await expect(usePasswordLink(db.prisma, tokenOf(asked), 'another password', now, fastHash)).rejects.toThrow(
      /link/i,
    );
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).toBe(
      'hashed:a new password 1',
    );
  });

  it("an operator's new link still ends every older one", async () => {
    const clinic = await makeClinic(db.prisma);
    const { userId } = await makeStaff(db.prisma, clinic.id, 'owner');
    const now = new Date('2027-06-07T08:00:00Z');
    const first = await createPasswordLink(db.prisma, userId, BASE, now, { keepOthers: true });
    await createPasswordLink(db.prisma, userId, BASE, now);
    await expect(usePasswordLink(db.prisma, tokenOf(first), 'a new password 2', now, fastHash)).rejects.toThrow(
      /link/i,
    );
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).not.toBe(
      'hashed:a new password 2',
    );
  });
});
