import { openPostgresDatabase } from '../../src/db/database.js';
import { openTestDatabase } from '../helpers/database.js';
import { makeTestApp } from '../helpers/app.js';
import { Caller } from '../helpers/caller.js';
import { makeDiary } from '../helpers/diary.js';
import { describeWith, needs } from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

describeWith(needs.postgres, 'The database fails mid-call (PostgreSQL behind a TCP proxy that is cut)', () => {
  it('the caller hears the apology and is put through to the fallback number within 2 s, and calls work again once it is back', async () => {
    const direct = await openTestDatabase('postgres');
    const url = new URL(direct.url!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    const db = openPostgresDatabase(url.toString(), { poolSize: 2 });
    try {
      const diary = await makeDiary(direct.prisma);
      await direct.prisma.clinic.update({ where: { id: diary.clinic.id }, data: { fallbackNumber: '+447700900456' } });
      const { app } = makeTestApp(db);
      const caller = new Caller(app, diary.clinic.numbers[0]!);
      await caller.dial();
      expect(caller.heard()).toContain('How can I help?');

      proxy.cut();
      const started = Date.now();
      await caller.press('1');
      const took = Date.now() - started;
      expect(took).toBeLessThan(2_500);
      expect(caller.heard()).toContain("We're sorry, we can't take your call right now");
      expect(caller.dialled()).toBe('+447700900456');

      proxy.restore();
      const next = new Caller(app, diary.clinic.numbers[0]!);
      await next.dial();
      expect(next.heard()).toContain('How can I help?');
    } finally {
      await db.close().catch(() => undefined);
      await proxy.close();
      await direct.drop();
    }
  });
});
