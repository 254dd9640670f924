import request from 'supertest';
import { openTestDatabase } from '../helpers/database.js';
import { makeTestApp } from '../helpers/app.js';

describe('The dashboard routes', () => {
  it('serve the page for client-side paths and 404 for a missing asset', async () => {
    const db = await openTestDatabase('embedded');
    try {
      const { app } = makeTestApp(db);
      expect((await request(app).get('/anything/else')).status).toBe(200);
      expect((await request(app).get('/assets/nope.js')).status).toBe(404);
    } finally {
      await db.drop();
    }
  });
});
