import { readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { webDistDir } from '../../src/routes/dashboard.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp } from '../helpers/app.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';

describe('The dashboard routes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('serve the page for client-side paths and 404 for a missing asset', async () => {
    const { app } = makeTestApp(db);
    expect((await request(app).get('/anything/else')).status).toBe(200);
    expect((await request(app).get('/assets/nope.js')).status).toBe(404);
  });

  it('serve source maps to developers, never in production', async () => {
    const map = readdirSync(path.join(webDistDir, 'assets')).find((f) => f.endsWith('.js.map'));
    expect(map).toBeDefined();
    expect((await request(makeTestApp(db).app).get(`/assets/${map}`)).status).toBe(200);
    const production = makeTestApp(db, { env: { NODE_ENV: 'production' } }).app;
    expect((await request(production).get(`/assets/${map}`)).status).toBe(404);
    expect((await request(production).get(`/assets/${map!.replace(/\.map$/, '')}`)).status).toBe(200);
  });
});

describe('API answers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('are never kept by a browser or a proxy: patients, call logs, exports, errors', async () => {
    const clinic = await makeClinic(db.prisma);
    const patient = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Jane Doe', phone: '+447700900123' },
    });
    const owner = browserAgent(makeTestApp(db).app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const base = `/api/clinics/${clinic.id}`;
    for (const url of [
      `${base}/patients?q=Jane`,
      `${base}/patients/${patient.id}`,
      `${base}/calls.csv`,
      `${base}/statistics.csv`,
      `${base}/patients/${patient.id}/export`,
      `${base}/nothing-here`,
      '/api/session',
    ]) {
      const res = await owner.get(url);
      expect([url, res.headers['cache-control']]).toEqual([url, expect.stringMatching(/no-store/)]);
    }
  });
});
