import request from 'supertest';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from './helpers/process.js';
import { createEmptyPostgresDatabase } from './helpers/database.js';
import { signIn as signInOverHttp } from './helpers/http-browser.js';
import { describeWith, needs } from './helpers/services.js';
import { spawn } from 'node:child_process';
import { repoRoot, serverArgs } from './helpers/process.js';
import pg from 'pg';
import { chmod, lstat, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataDirExposedError, makePrivate } from '../src/db/private-files.js';
import { rawConnection } from './helpers/raw-connection.js';
import { until } from './helpers/until.js';

/** Signs in over HTTP the way the dashboard does; returns the cookie header. */
const signIn = async (url: string, email: string, password: string): Promise<string> =>
  (await signInOverHttp(url, { email, password })).cookie();

describe('npm start on a fresh machine (embedded database, no environment)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('serves /healthz, /readyz and the sign-in page, and prints the demo sign-in once', async () => {
    dataDir = await tempDataDir();
    server = await startServerProcess({ DATA_DIR: dataDir });
    expect((await request(server.url).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(server.url).get('/readyz')).body).toEqual({ status: 'ready', database: 'embedded' });
    const page = await request(server.url).get('/sign-in');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");

    const demo = /owner\s+(\S+)\s+password (\S+)/.exec(server.stdout());
    expect(demo).not.toBeNull();
    // The printed password really signs in, and it never went into the logs.
    await signIn(server.url, demo![1]!, demo![2]!);
    const logLines = server
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.join('\n')).not.toContain(demo![2]!);
    expect(server.stderr()).toBe('');
  });

  it('the operator command line refuses the folder while the server holds it', async () => {
    const result = await runCli(['clinic:list'], { DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/in use by a running server \(pid \d+\)/);
    expect(result.stderr).toContain('DATABASE_URL');
  });

  it('SIGTERM stops it cleanly within 10 s, answering a request in flight; a restart applies no migration, seeds nothing, keeps the session and applies KEEP_ALIVE_SECONDS', async () => {
    const demo = /owner\s+(\S+)\s+password (\S+)/.exec(server!.stdout())!;
    const cookie = await signIn(server!.url, demo[1]!, demo[2]!);
    // A request whose body has not all arrived when SIGTERM comes, on a connection kept
    // alive (65 s by default): answered, then closed at once rather than at the grace
    // period's end, when the server would cut off whatever is still open.
    const port = Number(new URL(server!.url).port);
    const busy = await rawConnection(port);
    busy.socket.write(
      'POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n',
    );
    const started = Date.now();
    const stopped = server!.stop('SIGTERM');
    await until('the server to stop taking connections', async () => {
      const probe = await rawConnection(port).catch(() => null);
      probe?.socket.destroy();
      return !probe;
    });
    busy.socket.write('{}');
    await busy.closed;
    // Answered, telling a load balancer not to send another request on this connection.
    expect(busy.received()).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(busy.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(await stopped).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server!.stdout()).not.toContain('cut off');

    server = await startServerProcess({ DATA_DIR: dataDir, KEEP_ALIVE_SECONDS: '2' });
    expect(server.stdout()).toContain('database schema is up to date');
    expect(server.stdout()).not.toContain('First start');
    const session = await request(server.url).get('/api/session').set('Cookie', cookie);
    expect(session.body.user?.email).toBe(demo[1]);
    expect(session.body.clinics[0]).toMatchObject({ name: 'Demo Clinic', role: 'owner' });

    // KEEP_ALIVE_SECONDS: the restart's 2 s, where the default keeps a connection 65 s.
    const idle = await rawConnection(Number(new URL(server.url).port));
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until('the health check to be answered', () => idle.received().includes('"ok"'));
    const answered = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const closedWithin20s = await Promise.race([
      idle.closed.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
    ]);
    clearTimeout(timer);
    idle.socket.destroy();
    expect(closedWithin20s).toBe(true);
    expect(Date.now() - answered).toBeGreaterThanOrEqual(1_500); // Node's timer: 2 s after the answer was sent
  });

  it('bad configuration stops start-up with one clear line and a non-zero exit', async () => {
    const child = spawn(process.execPath, serverArgs(), {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, PORT: 'eighty', DATA_DIR: dataDir },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^configuration error: PORT: /)]);
  });
});

/** Every file and folder under `dir` that anyone but its owner may read, write or enter. */
async function notPrivate(dir: string): Promise<string[]> {
  const names = ['.', ...(await readdir(dir, { recursive: true }))];
  const open: string[] = [];
  for (const name of names) {
    const stat = await lstat(path.join(dir, name));
    if (!stat.isSymbolicLink() && (stat.mode & 0o077) !== 0) open.push(`${name} ${(stat.mode & 0o777).toString(8)}`);
  }
  return open;
}

describe("The embedded database's folder is private to the user running the server", () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('a fresh start creates every file 0600 and every folder 0700: database, secrets, recordings', async () => {
    dataDir = await tempDataDir();
    server = await startServerProcess({ DATA_DIR: dataDir });
    const names = await readdir(dataDir, { recursive: true });
    expect(names).toEqual(expect.arrayContaining(['secrets.json', 'pglite', 'recordings']));
    expect(names.filter((n) => n.startsWith('recordings/') && n.endsWith('.enc')).length).toBeGreaterThan(0); // the demo's voicemails
    expect(await notPrivate(dataDir)).toEqual([]);
    expect(server.stdout()).not.toContain('made files in DATA_DIR private');
  });

  it('an install an older version left readable by everyone is tightened at start, in one log line; the command line does the same', async () => {
    expect(await server!.stop('SIGTERM')).toBe(0);
    await chmodEverything(dataDir, 0o666, 0o777);
    expect((await notPrivate(dataDir)).length).toBeGreaterThan(100);
    server = await startServerProcess({ DATA_DIR: dataDir });
    const lines = server
      .stdout()
      .split('\n')
      .filter((l) => l.includes('made files in DATA_DIR private'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, files: expect.any(Number) });
    expect(JSON.parse(lines[0]!).files).toBeGreaterThan(100);
    expect(await notPrivate(dataDir)).toEqual([]);
    expect((await request(server.url).get('/readyz')).body.status).toBe('ready');
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;

    await chmodEverything(dataDir, 0o644, 0o755);
    expect((await runCli(['clinic:list'], { DATA_DIR: dataDir })).code).toBe(0);
    expect(await notPrivate(dataDir)).toEqual([]);
  });

  it('refuses to start, saying what to run, only when a file cannot be made private', async () => {
    const dir = await tempDataDir();
    await writeFile(path.join(dir, 'someone-elses'), 'x', { mode: 0o644 });
    await chmod(path.join(dir, 'someone-elses'), 0o644);
    const refusing = async () => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    };
    await expect(makePrivate(dir, refusing)).rejects.toThrow(DataDirExposedError);
    await expect(makePrivate(dir, refusing)).rejects.toThrow(/someone-elses.*chmod -R go-rwx/);
    expect(await makePrivate(dir)).toBe(1); // the file; mkdtemp's folder is 0700 already
    expect((await lstat(path.join(dir, 'someone-elses'))).mode & 0o777).toBe(0o600);
  });
});

/** Sets every file and folder under `dir` (itself included) to the given modes. */
async function chmodEverything(dir: string, fileMode: number, dirMode: number): Promise<void> {
  for (const name of ['.', ...(await readdir(dir, { recursive: true }))]) {
    const file = path.join(dir, name);
    const stat = await lstat(file);
    if (!stat.isSymbolicLink()) await chmod(file, stat.isDirectory() ? dirMode : fileMode);
  }
}

describeWith(needs.postgres, 'Several instances on one PostgreSQL', () => {
  it('two servers starting at once apply migrations once, and the CLI works alongside them', async () => {
    const db = await createEmptyPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      SESSION_SECRET: 'x'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      TWILIO_AUTH_TOKEN: 'c'.repeat(32),
      DATA_DIR: await tempDataDir(),
    };
    const servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      const appliedBy = servers.filter((s) => s.stdout().includes('"msg":"applied migrations"'));
      expect(appliedBy).toHaveLength(1);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query(
        'SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY migration_name',
      );
      await client.end();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      for (const s of servers)
        expect((await request(s.url).get('/readyz')).body).toEqual({ status: 'ready', database: 'postgres' });
      // No demo data on PostgreSQL: the operator sets clinics up, here while both servers run.
      expect(servers[0]!.stdout()).not.toContain('First start');
      const created = await runCli(
        ['clinic:create', '--name', 'Shared Clinic', '--number', '+441632960555', '--timezone', 'Europe/London'],
        env,
      );
      expect(created.code).toBe(0);
      const list = await runCli(['clinic:list', '--json'], env);
      expect(JSON.parse(list.stdout).map((c: { name: string }) => c.name)).toEqual(['Shared Clinic']);
    } finally {
      await Promise.all(servers.map((s) => s.stop('SIGTERM')));
      await db.drop();
    }
  });
});
