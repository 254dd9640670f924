// The operator's staff:add and staff:reset with SMTP_URL set: the set-password link is
// emailed there and then (the command says so, and prints no link), --print-link prints one
// instead, and a server refusing mail makes the command fail saying so — never with the
// SMTP password. Against a real SMTP server on 127.0.0.1, on both databases.
import { jest } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { makeTestApp } from '../helpers/app.js';
import { inOperatorsDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { runCli, tempDataDir } from '../helpers/process.js';
import { databaseKinds } from '../helpers/services.js';
import { startSmtpServer, type TestSmtp } from '../helpers/smtp.js';

const BASE = 'https://phone.example.com';
// A time budget, not a figure: on the embedded database a test here starts a CLI process
// and opens the database file several times (each a fresh PGlite), which took 60 s on a
// busy CI machine (2026-12-07) where it takes 10 s idle.
jest.setTimeout(240_000);
const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');

describe.each(databaseKinds())('The operator emails set-password links on the %s database', (kind) => {
  let env: Record<string, string>;
  let postgres: TestDatabase | undefined;
  let smtp: TestSmtp;
  let clinicId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const mail = { SMTP_URL: smtp.url, MAIL_FROM: 'Clinic line <noreply@example.com>', PUBLIC_BASE_URL: BASE };
    if (kind === 'postgres') {
      postgres = await openTestDatabase('postgres');
      env = { ...mail, DATABASE_URL: postgres.url! };
    } else {
      env = { ...mail, DATA_DIR: await tempDataDir() };
      expect((await runCli(['jobs:list'], env)).code).toBe(0); // makes and migrates the embedded database
    }
    clinicId = (await inDatabase((db) => makeClinic(db.prisma, { name: 'Riverside Dental' }))).id;
  });
  afterAll(async () => {
    await smtp.stop();
    await postgres?.drop();
  });

  const inDatabase = <T>(work: (db: Database) => Promise<T>) =>
    inOperatorsDatabase({ postgres, dataDir: env.DATA_DIR }, work);

  /** Sets a password through the link, as the set-password page does; the status of each step. */
  const useLink = (link: string, password: string) =>
    inDatabase(async (db) => {
      const browser = browserAgent(makeTestApp(db).app);
      await browser.get('/api/session');
      const used = await browser.send('post', '/api/password-links/use', { token: tokenOf(link), password });
      return used.status;
    });

  const noSecrets = (out: { stdout: string; stderr: string }) => {
    expect(out.stdout + out.stderr).not.toContain(smtp.password);
    expect(out.stdout + out.stderr).not.toContain(encodeURIComponent(smtp.password));
  };

  it('staff:add emails the new member their link and prints none', async () => {
    const added = await runCli(
      ['staff:add', '--clinic', clinicId, '--email', 'sam.lee@riverside.test', '--role', 'owner', '--name', 'Sam Lee'],
      env,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('');
    expect(added.stderr).toContain('sam.lee@riverside.test is now an owner of clinic');
    expect(added.stderr).toContain(
      'Emailed sam.lee@riverside.test a one-time link that sets their password; it expires in 72 hours',
    );
    noSecrets(added);
    const [email] = smtp.to('sam.lee@riverside.test');
    expect(email!.subject).toBe("Set your password for Riverside Dental's phone line");
    expect(email!.text).toContain('Hello Sam Lee,');
    expect(await useLink(email!.link(`${BASE}/set-password#token=`), 'the first password Sam chose')).toBe(200);
  });

  it('staff:reset emails a new link; the old password works until it is used', async () => {
    const login = await inDatabase((db) => makeStaff(db.prisma, clinicId, 'receptionist'));
    const reset = await runCli(['staff:reset', '--email', login.email], env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toBe('');
    expect(reset.stderr).toContain(`Emailed ${login.email} a one-time link`);
    noSecrets(reset);
    const [email] = smtp.to(login.email);
    expect(email!.subject).toBe("A new password for Riverside Dental's phone line");
    expect(email!.text).toContain("The service's operator sent you a link to choose a new password");
    const signIn = (password: string) =>
      inDatabase(async (db) => (await browserAgent(makeTestApp(db).app).signIn({ ...login, password })).status);
    expect(await signIn(login.password)).toBe(200);
    expect(await useLink(email!.link(`${BASE}/set-password#token=`), 'a reset password of mine')).toBe(200);
    expect(await signIn('a reset password of mine')).toBe(200);
    expect(await signIn(login.password)).toBe(401);
  });

  it('--print-link prints the link to pass on, and emails nothing', async () => {
    const login = await inDatabase((db) => makeStaff(db.prisma, clinicId, 'receptionist'));
    const printed = await runCli(['staff:reset', '--email', login.email, '--print-link'], env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(new RegExp(`^${BASE}/set-password#token=[\\w-]{43}\\n$`));
    expect(smtp.to(login.email)).toEqual([]);
  });

  it('a server refusing mail fails the command, saying so without the password', async () => {
    const login = await inDatabase((db) => makeStaff(db.prisma, clinicId, 'receptionist'));
    smtp.refusing = true;
    const refused = await runCli(['staff:reset', '--email', login.email], env).finally(() => {
      smtp.refusing = false;
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: could not email the set-password link \(SMTP: .*451.*\)\. Try again/);
    expect(refused.stderr).toContain('--print-link');
    noSecrets(refused);
  });
});
