// Backups and restores exactly as README's "Backups" says (the commands are read
// from README and run by bash): the embedded database copied while the server is
// stopped, and PostgreSQL through pg_dump and pg_restore into an empty database.
// Each restore is started as a server and must be the same clinic, with a
// voicemail's encrypted audio still playable.
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createEmptyPostgresDatabase } from '../helpers/database.js';
import { startDemoServer } from '../helpers/demo-server.js';
import { type HttpBrowser, signIn } from '../helpers/http-browser.js';
import { repoRoot, runCli, startServerProcess, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);

/** README's shell block that contains `marker`, as bash will run it. */
async function readmeCommands(marker: string): Promise<string> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(marker));
  if (!block) throw new Error(`README has no sh block with ${marker}`);
  return block;
}

/** A caller leaves a 5-second message (reception closed: "press 1 for a message"); resolves with the stored voicemail's id. */
async function leaveVoicemail(staff: HttpBrowser, clinicId: string): Promise<string> {
  expect((await staff.call('PUT', `/api/clinics/${clinicId}/opening-hours`, { hours: [] })).status).toBe(200);
  const base = `/api/clinics/${clinicId}/simulator/calls`;
  let call = await staff.call('POST', base, { from: '+447700900555' });
  call = await staff.call('POST', `${base}/${call.body.sid}/press`, { digits: '3' });
  call = await staff.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' });
  expect(call.body.takes).toBe('a message');
  await staff.call('POST', `${base}/${call.body.sid}/message`, { seconds: 5 });
  return until(
    'the voicemail to be stored',
    async () => {
      const list = (await staff.call('GET', `/api/clinics/${clinicId}/call-backs`)).body.callBacks as Array<{
        voicemail: { id: string; status: string } | null;
      }>;
      return list.find((c) => c.voicemail?.status === 'stored')?.voicemail?.id;
    },
    30_000,
  );
}

async function audioOf(
  server: ServerProcess,
  staff: HttpBrowser,
  clinicId: string,
  recordingId: string,
): Promise<Buffer> {
  const res = await fetch(`${server.url}/api/clinics/${clinicId}/recordings/${recordingId}/audio`, {
    headers: { cookie: staff.cookie() },
  });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('Backups as README says: the embedded database', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('a copy of DATA_DIR taken while the server is stopped starts as the same clinic, recordings and secrets included', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'clinic-backup-'));
    const demo = await startDemoServer({ DATA_DIR: path.join(parent, 'data') });
    const { server: original, owner: login, clinicId } = demo;
    servers.push(original);
    let owner = demo.ownerApi;
    const voicemail = await leaveVoicemail(owner, clinicId);
    const audio = await audioOf(original, owner, clinicId, voicemail);
    expect(await original.stop()).toBe(0);

    await run('bash', ['-euo', 'pipefail', '-c', await readmeCommands('cp -a data')], { cwd: parent });
    const [copy] = (await readdir(parent)).filter((n) => n.startsWith('data-backup-'));
    expect(copy).toMatch(/^data-backup-\d{4}-\d{2}-\d{2}$/);

    const restored = await startServerProcess({ DATA_DIR: path.join(parent, copy!) });
    servers.push(restored);
    expect(restored.stdout()).not.toContain('First start'); // the same clinic, not a new demo
    owner = await signIn(restored.url, login);
    expect(await audioOf(restored, owner, clinicId, voicemail)).toEqual(audio);
  }, 120_000);
});

describeWith(needs.postgres, 'Backups as README says: PostgreSQL', () => {
  const servers: ServerProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const drop of drops) await drop();
  });

  it('pg_dump, then pg_restore into an empty database, starts as the same clinic, recordings included', async () => {
    const [source, target] = [await createEmptyPostgresDatabase(), await createEmptyPostgresDatabase()];
    drops.push(source.drop, target.drop);
    const secrets = { SESSION_SECRET: 's'.repeat(40), RECORDINGS_KEY: 'cd'.repeat(32) };
    const original = await startServerProcess({ DATABASE_URL: source.url, ...secrets });
    servers.push(original);
    // No demo on PostgreSQL: a clinic and its owner from the command line, as README's operator does.
    const created = await runCli(
      ['clinic:create', '--name', 'Backup Dental', '--number', '+441632960777', '--timezone', 'Europe/London'],
      { DATABASE_URL: source.url, ...secrets },
    );
    expect(created.code).toBe(0);
    const clinicId = (JSON.parse(created.stdout) as { id: string }).id;
    const login = { email: 'owner@backup.example', password: 'correct horse battery staple' };
    expect(
      (
        await runCli(
          ['staff:add', '--clinic', clinicId, '--email', login.email, '--role', 'owner', '--password-stdin'],
          { DATABASE_URL: source.url, ...secrets },
          login.password,
        )
      ).code,
    ).toBe(0);
    let owner = await signIn(original.url, login);
    const voicemail = await leaveVoicemail(owner, clinicId);
    const audio = await audioOf(original, owner, clinicId, voicemail);
    // pg_dump runs while the server does: a consistent snapshot.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'clinic-dump-'));
    await run('bash', ['-euo', 'pipefail', '-c', await readmeCommands('pg_dump')], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: source.url, RESTORE_DATABASE_URL: target.url },
    });

    const restored = await startServerProcess({ DATABASE_URL: target.url, ...secrets });
    servers.push(restored);
    owner = await signIn(restored.url, login);
    expect(await audioOf(restored, owner, clinicId, voicemail)).toEqual(audio);
    const session = await owner.call('GET', '/api/session');
    expect((session.body.clinics as Array<{ name: string }>).map((c) => c.name)).toEqual(['Backup Dental']);
  }, 120_000);
});
