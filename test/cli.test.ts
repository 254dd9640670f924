import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { verifyPassword } from '../src/accounts/passwords.js';
import { openEmbeddedDatabase } from '../src/db/database.js';
import { createEmptyPostgresDatabase } from './helpers/database.js';
import { repoRoot, runCli, tempDataDir, type CliResult } from './helpers/process.js';
import { describeWith, needs } from './helpers/services.js';
import path from 'node:path';

describe('The operator command line on the embedded database', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { DATA_DIR: await tempDataDir(), PUBLIC_BASE_URL: 'https://phone.example.com' };
  });

  async function inDatabase<T>(work: (db: Awaited<ReturnType<typeof openEmbeddedDatabase>>) => Promise<T>): Promise<T> {
    const db = await openEmbeddedDatabase({ dataDir: path.join(env.DATA_DIR!, 'pglite') });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }

  let clinicId = '';

  it('clinic:create prints the new clinic as JSON; clinic:list shows it', async () => {
    const created = await runCli(
      ['clinic:create', '--name', 'Riverside Dental', '--number', '+441632960101', '--timezone', 'Europe/London'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const clinic = JSON.parse(created.stdout);
    expect(clinic).toMatchObject({
      name: 'Riverside Dental',
      numbers: ['+441632960101'],
      timeZone: 'Europe/London',
      locale: 'en-GB',
    });
    clinicId = clinic.id;

    const list = await runCli(['clinic:list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: clinicId, name: 'Riverside Dental' })]);
    const text = await runCli(['clinic:list'], env);
    expect(text.stdout).toContain(`${clinicId}  Riverside Dental  +441632960101  Europe/London  en-GB`);
  });

  it.each([
    [['clinic:create', '--name', 'X', '--number', '+441632960102'], /--timezone: /],
    [['clinic:create', '--name', 'X', '--number', '01632 960102', '--timezone', 'Europe/London'], /--number.*E\.164/],
    [
      ['clinic:create', '--name', 'X', '--number', '+441632960102', '--timezone', 'Europe/Londres'],
      /--timezone: must be an IANA time zone/,
    ],
    [
      ['clinic:create', '--name', 'X', '--number', '+441632960102', '--timezone', 'Europe/London', '--colour', 'red'],
      /Unknown option '--colour'/,
    ],
    [
      [
        'clinic:create',
        '--name',
        'X',
        '--number',
        '+441632960102',
        '--timezone',
        'Australia/Sydney',
        '--locale',
        'en-AU',
      ],
      /--locale: must be en-GB or en-US/,
    ],
    [['staff:add', '--clinic', 'abc', '--email', 'a@b.test', '--role', 'owner'], /--clinic: must be a clinic id/],
    [
      [
        'staff:add',
        '--clinic',
        '00000000-0000-4000-8000-000000000000',
        '--email',
        'a@b.test',
        '--role',
        'owner',
        '--name',
        ' ',
      ],
      /--name: must not be empty/,
    ],
    [
      ['staff:add', '--clinic', '00000000-0000-4000-8000-000000000000', '--email', 'a@b.test', '--role', 'boss'],
      /--role: must be owner or receptionist/,
    ],
    [['clinic:destroy'], /unknown command: clinic:destroy/],
    [[], /no command given/],
  ])('bad arguments %j print usage and exit 2', async (args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: npm run cli --');
  });

  it('... and none of those bad commands wrote anything', async () => {
    expect(await inDatabase((db) => db.prisma.clinic.count())).toBe(1);
    expect(await inDatabase((db) => db.prisma.user.count())).toBe(0);
  });

  it('a number another clinic has is refused, and nothing is written', async () => {
    const result = await runCli(
      ['clinic:create', '--name', 'Copycat', '--number', '+441632960101', '--timezone', 'Europe/London'],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('+441632960101 already belongs to another clinic');
    expect(await inDatabase((db) => db.prisma.clinic.count({ where: { name: 'Copycat' } }))).toBe(0);
  });

  it('staff:add prints a one-time set-password link for a new member', async () => {
    const result = await runCli(
      [
        'staff:add',
        '--clinic',
        clinicId,
        '--email',
        'Reception@Riverside.test',
        '--role',
        'receptionist',
        '--name',
        ' Sam Lee ',
      ],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^https:\/\/phone\.example\.com\/set-password#token=[\w-]{43}$/);
    expect(result.stderr).not.toContain('PUBLIC_BASE_URL');
    const member = await inDatabase((db) =>
      db.prisma.membership.findFirst({ where: { clinicId, user: { email: 'reception@riverside.test' } } }),
    );
    expect(member?.role).toBe('receptionist');
    const user = await inDatabase((db) => db.prisma.user.findUnique({ where: { email: 'reception@riverside.test' } }));
    expect(user?.name).toBe('Sam Lee');
  });

  it('staff:add --password-stdin sets the password and prints no link', async () => {
    const result = await runCli(
      ['staff:add', '--clinic', clinicId, '--email', 'owner@riverside.test', '--role', 'owner', '--password-stdin'],
      env,
      'correct horse battery staple\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const hash = await inDatabase(
      async (db) => (await db.prisma.user.findUniqueOrThrow({ where: { email: 'owner@riverside.test' } })).passwordHash,
    );
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
  });

  it('a too-short password on stdin is refused and writes nothing', async () => {
    const result = await runCli(
      ['staff:add', '--clinic', clinicId, '--email', 'weak@riverside.test', '--role', 'owner', '--password-stdin'],
      env,
      'short\n',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/password on standard input must be at least 12 characters/);
    expect(await inDatabase((db) => db.prisma.user.count({ where: { email: 'weak@riverside.test' } }))).toBe(0);
  });

  it('staff:remove takes the member out of the clinic and ends their sessions', async () => {
    const result = await runCli(['staff:remove', '--clinic', clinicId, '--email', 'reception@riverside.test'], env);
    expect(result.code).toBe(0);
    expect(
      await inDatabase((db) =>
        db.prisma.membership.count({ where: { clinicId, user: { email: 'reception@riverside.test' } } }),
      ),
    ).toBe(0);
    const again = await runCli(['staff:remove', '--clinic', clinicId, '--email', 'reception@riverside.test'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not a member');
  });

  it('staff:reset prints a fresh link for an existing account', async () => {
    const result = await runCli(['staff:reset', '--email', 'owner@riverside.test'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/set-password#token=/);
  });

  it('without PUBLIC_BASE_URL the link says plainly that it assumes this machine', async () => {
    const result = await runCli(['staff:reset', '--email', 'owner@riverside.test'], {
      DATA_DIR: env.DATA_DIR,
      PORT: '8080',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'PUBLIC_BASE_URL is not set: this link assumes the server is at http://localhost:8080',
    );
    expect(result.stdout).toMatch(/^http:\/\/localhost:8080\/set-password#token=/);
  });

  it('retention:run --dry-run says what would go and changes nothing; retention:run destroys it', async () => {
    await inDatabase((db) =>
      db.prisma.call.create({
        data: {
          callSid: 'CA' + '7'.repeat(32),
          clinicId,
          fromNumber: '+447700900123',
          toNumber: '+441632960101',
          direction: 'inbound',
          status: 'completed',
          startedAt: new Date(Date.now() - 400 * 86_400_000),
        },
      }),
    );
    const dry = await runCli(['retention:run', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `${clinicId}  Riverside Dental: would destroy 0 call recordings, 0 voicemails, 1 calls, 0 texts, 0 audit entries; 0 kept under legal hold`,
    );
    expect(await inDatabase((db) => db.prisma.call.count({ where: { clinicId } }))).toBe(1);
    const run = await runCli(['retention:run'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${clinicId}  Riverside Dental: destroyed 0 call recordings, 0 voicemails, 1 calls`);
    expect(await inDatabase((db) => db.prisma.call.count({ where: { clinicId } }))).toBe(0);
    expect(
      await inDatabase((db) =>
        db.prisma.auditEntry.count({ where: { clinicId, action: 'retention.purged', actorType: 'operator' } }),
      ),
    ).toBe(1);
  });
});

/** Runs `npm run db:migrate` as package.json says, with exactly this environment. */
function runMigrate(env: Record<string, string>): Promise<CliResult> {
  const script = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts['db:migrate']!;
  const [node, ...args] = script.split(/\s+/);
  expect(node).toBe('node');
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describeWith(needs.postgres, 'npm run db:migrate on PostgreSQL', () => {
  it('needs only DATABASE_URL: no SESSION_SECRET or RECORDINGS_KEY for a release step', async () => {
    const db = await createEmptyPostgresDatabase();
    try {
      const env = { PATH: process.env.PATH!, DATABASE_URL: db.url };
      const first = await runMigrate(env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^applied: \d{14}_/);
      const again = await runMigrate(env);
      expect(again.stdout).toBe('no pending migrations\n');
      expect(again.code).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
