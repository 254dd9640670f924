import { type RequestHandler, Router } from 'express';
import type { AppContext } from '../main/context.js';
import { sendInPieces } from '../http/send-in-pieces.js';
import { callLogQuerySchema, callsCsv, callTimeline, listCalls } from '../calls/call-log.js';
import { ids, query } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { CallLogPage, CallTimeline } from '../contracts/api.js';

/** /api/clinics/:clinicId/calls… for the clinic's staff. */
export function callLogRoutes(ctx: AppContext, report: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const zoneOf = (clinicId: string) =>
    prisma.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { timeZone: true, locale: true } });

  router.get('/calls', async (req, res) => {
    const q = query(req, callLogQuerySchema);
    const clinicId = req.membership!.clinicId;
    res.json(wire(await listCalls(prisma, clinicId, await zoneOf(clinicId), q)) satisfies CallLogPage);
  });
  router.get('/calls.csv', report, async (req, res) => {
    const q = query(req, callLogQuerySchema);
    const clinicId = req.membership!.clinicId;
    const zone = await zoneOf(clinicId);
    res
      .set('Content-Disposition', `attachment; filename="calls-${q.from ?? 'all'}-${q.to ?? 'now'}.csv"`)
      .type('text/csv; charset=utf-8');
    await sendInPieces(res, callsCsv(prisma, clinicId, zone, q));
  });
  router.get('/calls/:callId', async (req, res) => {
    const { callId: id } = ids(req, { callId: 'call' });
    res.json(wire(await callTimeline(prisma, req.membership!.clinicId, id)) satisfies CallTimeline);
  });
  return router;
}
