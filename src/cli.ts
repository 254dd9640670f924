// The operator's command line: `npm run cli -- <command> [options]`. Operators
// script these names and outputs; keep them stable.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { passwordSchema } from './accounts/passwords.js';
import {
  addStaff,
  createPasswordLink,
  emailSchema,
  removeStaff,
  roleSchema,
  staffNameSchema,
} from './accounts/staff.js';
import { createClinic, listClinics } from './clinics/clinics.js';
import { clinicNameSchema, e164Schema, localeSchema, timeZoneSchema } from './core/validation.js';
import { ConfigError, databaseConfig, loadConfig, mailConfig, publicBaseUrl } from './core/config.js';
import { emailPasswordLink } from './accounts/account-mail.js';
import type { PasswordLinkReason } from './accounts/emails.js';
import { createMailer, MailNotSent } from './mail/mailer.js';
import { EventBus } from './core/events.js';
import type { Database } from './db/database.js';
import { DataDirBusyError } from './db/datadir-lock.js';
import { openConfiguredDatabase } from './db/open.js';
import { DataDirExposedError, keepNewFilesPrivate } from './db/private-files.js';
import { discardFailedJob, type JobSummary, listJobs, retryFailedJob } from './jobs/admin.js';
import { purgeExpired } from './recordings/retention.js';
import { storageFor } from './recordings/storage.js';
import { createTwilioRest } from './twilio/rest.js';
import { Conflict, DomainError, NotFound, UpstreamFailed } from './core/errors.js';

const USAGE = `usage: npm run cli -- <command> [options]

  clinic:create --name <text> --number <E.164> [--number <E.164> ...] --timezone <IANA> [--locale en-GB] [--fallback-number <E.164>]
                prints the new clinic as JSON
  clinic:list [--json]
  staff:add --clinic <id> --email <address> --role owner|receptionist [--name <text>] [--password-stdin] [--print-link]
                emails them a one-time set-password link (prints it without SMTP_URL, or with --print-link),
                unless the password came on standard input; --name is what colleagues see ("Sam Lee"; the
                person can change it)
  staff:remove --clinic <id> --email <address>
                removes the member from the clinic (never its last owner); their sessions end if they belong to no other clinic
  staff:reset --email <address> [--print-link]
                a new one-time set-password link, emailed as staff:add's (the old password keeps working until
                the link is used)
  retention:run [--dry-run] [--clinic <id>] [--json]
                destroys what each clinic's retention periods say has expired (recordings here and at
                Twilio, call logs, texts, old audit entries; never a recording under legal hold) and
                prints what it destroyed; with --dry-run prints what it would destroy and changes nothing
  jobs:list [--failed] [--kind <kind>] [--limit <n>] [--json]
                background jobs, newest first (50 unless --limit): id, kind, status, attempts, due, last error
  jobs:retry <id>
                a failed job back to pending, due now, with its attempts reset
  jobs:discard <id>
                deletes a failed job; it is never tried again

Set-password links start with PUBLIC_BASE_URL (http://localhost:<PORT> when it is not set). They are emailed
through SMTP_URL, from MAIL_FROM, when SMTP_URL is set.

Runs on the server's database: DATABASE_URL, or the embedded one in DATA_DIR (only while no server holds it).`;

class UsageError extends Error {}

const operator = { type: 'operator' } as const;
const uuid = z.uuid({ error: 'must be a clinic id (see clinic:list)' });
const jobId = z.tuple([z.uuid({ error: 'must be a job id (see jobs:list)' })], { error: 'give one job id' });

interface Command<S extends z.ZodType> {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Commands that take a bare argument (a job id) get them as `_`. */
  positionals?: boolean;
  schema: S;
  run(db: Database, args: z.infer<S>): Promise<void>;
}

/** A command typed by its own schema: `run` is handed what `schema` parsed. */
const command = <S extends z.ZodType>(c: Command<S>) => c as unknown as Command<z.ZodType>;

const commands: Record<string, Command<z.ZodType>> = {
  'clinic:create': command({
    options: {
      name: { type: 'string' },
      number: { type: 'string', multiple: true },
      timezone: { type: 'string' },
      locale: { type: 'string' },
      'fallback-number': { type: 'string' },
    },
    schema: z.object({
      name: clinicNameSchema,
      number: z.array(e164Schema, { error: 'is required' }).min(1, 'is required'),
      timezone: timeZoneSchema,
      locale: localeSchema.default('en-GB'),
      'fallback-number': e164Schema.optional(),
    }),
    async run(db, a) {
      const clinic = await createClinic(
        db.prisma,
        {
          name: a.name,
          numbers: a.number,
          timeZone: a.timezone,
          locale: a.locale,
          fallbackNumber: a['fallback-number'],
        },
        operator,
      );
      console.log(JSON.stringify(clinic, null, 2));
    },
  }),
  'clinic:list': command({
    options: { json: { type: 'boolean' } },
    schema: z.object({ json: z.boolean().optional() }),
    async run(db, a) {
      const clinics = await listClinics(db.prisma);
      if (a.json) return console.log(JSON.stringify(clinics, null, 2));
      if (clinics.length === 0) return console.log('No clinics yet. Create one with clinic:create.');
      for (const c of clinics) console.log(`${c.id}  ${c.name}  ${c.numbers.join(',')}  ${c.timeZone}  ${c.locale}`);
    },
  }),
  'staff:add': command({
    options: {
      clinic: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'print-link': { type: 'boolean' },
    },
    schema: z.object({
      clinic: uuid,
      email: emailSchema,
      role: roleSchema,
      name: staffNameSchema.optional(),
      'password-stdin': z.boolean().optional(),
      'print-link': z.boolean().optional(),
    }),
    async run(db, a) {
      const delivery = linkDelivery(a['print-link']);
      const password = a['password-stdin'] ? parsePassword(await readStdin()) : undefined;
      const { userId, created } = await addStaff(
        db.prisma,
        { clinicId: a.clinic, email: a.email, role: a.role, password, name: a.name },
        operator,
      );
      console.error(
        `${a.email} is now ${a.role === 'owner' ? 'an owner' : 'a receptionist'} of clinic ${a.clinic}${created ? ' (new account)' : ''}.`,
      );
      const hasPassword =
        password !== undefined ||
        (await db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash !== null;
      if (!hasPassword) await giveLink(db, userId, 'welcome', delivery);
    },
  }),
  'staff:remove': command({
    options: { clinic: { type: 'string' }, email: { type: 'string' } },
    schema: z.object({ clinic: uuid, email: emailSchema }),
    async run(db, a) {
      // No live hub in this process: the servers' own minute-by-minute check closes their screens.
      const { signedOut } = await removeStaff(
        { db, events: new EventBus() },
        { clinicId: a.clinic, email: a.email },
        operator,
      );
      console.error(
        `${a.email} is no longer a member of clinic ${a.clinic}${signedOut ? '; with no other clinic, their sessions have ended' : '; they keep their access to their other clinics'}.`,
      );
    },
  }),
  'staff:reset': command({
    options: { email: { type: 'string' }, 'print-link': { type: 'boolean' } },
    schema: z.object({ email: emailSchema, 'print-link': z.boolean().optional() }),
    async run(db, a) {
      const delivery = linkDelivery(a['print-link']);
      const user = await db.prisma.user.findUnique({ where: { email: a.email }, select: { id: true } });
      if (!user) throw new NotFound(`No staff account for ${a.email}`);
      await giveLink(db, user.id, 'reset', delivery);
    },
  }),
  'retention:run': command({
    options: { 'dry-run': { type: 'boolean' }, clinic: { type: 'string' }, json: { type: 'boolean' } },
    schema: z.object({ 'dry-run': z.boolean().optional(), clinic: uuid.optional(), json: z.boolean().optional() }),
    async run(db, a) {
      const config = loadConfig();
      const report = await purgeExpired(
        { db, recordings: storageFor(db, config.dataDir), twilio: createTwilioRest(config), clock: () => new Date() },
        { dryRun: a['dry-run'], clinicId: a.clinic, actor: operator },
      );
      if (!report)
        throw new Conflict(
          'busy',
          "another retention run is in progress (a server's scheduled purge); try again when it has finished",
        );
      if (a.json) return console.log(JSON.stringify(report, null, 2));
      const verb = report.dryRun ? 'would destroy' : 'destroyed';
      for (const c of report.clinics) {
        console.log(
          `${c.clinicId}  ${c.clinicName}: ${verb} ${c.callRecordings} call recordings, ${c.voicemails} voicemails, ${c.calls} calls, ${c.texts} texts, ${c.auditEntries} audit entries; ${c.held} kept under legal hold${c.retryAtTwilio ? `; ${c.retryAtTwilio} kept until Twilio's copy can be deleted` : ''}`,
        );
      }
      if (report.clinics.length === 0) console.log('No clinics.');
    },
  }),
  'jobs:list': command({
    options: {
      failed: { type: 'boolean' },
      kind: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    schema: z.object({
      failed: z.boolean().optional(),
      kind: z.string().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(10_000).optional(),
      json: z.boolean().optional(),
    }),
    async run(db, a) {
      const jobs = await listJobs(db.prisma, { failed: a.failed, kind: a.kind, limit: a.limit });
      if (a.json) return console.log(JSON.stringify(jobs, null, 2));
      if (jobs.length === 0) return console.log(a.failed ? 'No failed jobs.' : 'No jobs.');
      printTable(jobs);
    },
  }),
  'jobs:retry': command({
    options: {},
    positionals: true,
    schema: z.object({ _: jobId }),
    async run(db, a) {
      const job = await retryFailedJob(db.prisma, a._[0], new Date(), operator);
      console.error(`job ${job.id} (${job.kind}) is pending again, due now; a running server picks it up.`);
    },
  }),
  'jobs:discard': command({
    options: {},
    positionals: true,
    schema: z.object({ _: jobId }),
    async run(db, a) {
      await discardFailedJob(db.prisma, a._[0], operator);
      console.error(`job ${a._[0]} discarded; it will not be tried again.`);
    },
  }),
};

function printTable(jobs: JobSummary[]): void {
  const rows = [
    ['ID', 'KIND', 'STATUS', 'ATTEMPTS', 'DUE', 'LAST ERROR'],
    ...jobs.map((j) => [
      j.id,
      j.kind,
      j.status,
      `${j.attempts}/${j.maxAttempts}`,
      j.runAt.toISOString(),
      (j.lastError ?? '-').replace(/\s+/g, ' ').slice(0, 120),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    console.log(r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

/** How a set-password link reaches its person: emailed (SMTP_URL set), else printed. Read before any change is made. */
function linkDelivery(printLink: boolean | undefined) {
  const mail = mailConfig();
  return mail && !printLink ? { mailer: createMailer(mail) } : { mailer: null };
}

async function giveLink(
  db: Database,
  userId: string,
  reason: PasswordLinkReason,
  { mailer }: ReturnType<typeof linkDelivery>,
): Promise<void> {
  const base = publicBaseUrl();
  if (base.assumed)
    console.error(
      `PUBLIC_BASE_URL is not set: this link assumes the server is at ${base.url}. Set PUBLIC_BASE_URL to the address staff open (like https://phone.example.com) for a link that works elsewhere.`,
    );
  if (!mailer) {
    console.error('Send this one-time link to them; it sets their password and expires in 72 hours:');
    console.log(await createPasswordLink(db.prisma, userId, base.url, new Date()));
    return;
  }
  // Sent here and now rather than queued: the operator learns at once whether it went.
  const deps = { db, clock: () => new Date(), config: { publicBaseUrl: base.url }, mailer };
  const sent = await emailPasswordLink(deps, userId, reason).catch((err) => {
    if (!(err instanceof MailNotSent)) throw err;
    throw new UpstreamFailed(
      'mail_not_sent',
      `could not email the set-password link (${err.message}). Try again once the SMTP server takes mail, or add --print-link to pass a link on yourself.`,
    );
  });
  if (!sent) throw new NotFound('No such staff account');
  console.error(
    `Emailed ${sent.email} a one-time link that sets their password; it expires in 72 hours (--print-link prints one instead).`,
  );
}

function parsePassword(text: string): string {
  const result = passwordSchema.safeParse(text.replace(/\r?\n$/, ''));
  if (!result.success) throw new UsageError(`password on standard input ${result.error.issues[0]!.message}`);
  return result.data;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin expects the password piped on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseCommand(argv: string[]) {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) throw new UsageError(name ? `unknown command: ${name}` : 'no command given');
  let values: Record<string, unknown>;
  try {
    const allowPositionals = command.positionals ?? false;
    const result = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals });
    values = allowPositionals ? { ...result.values, _: result.positionals } : result.values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const parsed = command.schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      issue.path[0] === '_' ? `${name}: ${issue.message}` : `--${issue.path.join('.') || '?'}: ${issue.message}`,
    );
  }
  return { command, args: parsed.data };
}

async function main(argv: string[]): Promise<number> {
  keepNewFilesPrivate();
  let parsed;
  try {
    parsed = parseCommand(argv);
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    // Only where the database is; a command that needs more (retention:run) reads the full configuration itself.
    db = await openConfiguredDatabase(databaseConfig(), { holder: 'cli' });
    await db.migrate();
    await parsed.command.run(db, parsed.args);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    const known =
      err instanceof DomainError ||
      err instanceof ConfigError ||
      err instanceof DataDirBusyError ||
      err instanceof DataDirExposedError;
    console.error(known ? `error: ${(err as Error).message}` : err);
    return 1;
  } finally {
    await db?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
