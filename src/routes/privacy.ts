import { type RequestHandler, Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requireOwner } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import { auditCsv, auditCsvQuerySchema, auditQuerySchema, listAudit } from '../privacy/audit-log.js';
import { clinicExportZip, exportJson } from '../privacy/clinic-export.js';
import { closeClinic } from '../privacy/clinic-rights.js';
import { sendInPieces } from '../http/send-in-pieces.js';
import { erasePatient, erasurePreview, exportPatient, exportPatientWithAudio } from '../privacy/patient-rights.js';
import { body, ids, query } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { AuditPage, ErasurePreview } from '../contracts/api.js';

const confirmSchema = z.strictObject({
  confirmName: z.string({ error: 'is required: type the name to confirm' }).max(200),
});

/** The owner's data-protection duties: patient export and erasure, the clinic's export and closure, the audit log. */
export function privacyRoutes(ctx: AppContext, report: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const clinicOf = (req: Request) => req.membership!.clinicId;
  const patientIdOf = (req: Request) => ids(req, { patientId: 'patient' }).patientId;
  const owner = (req: Request) => ({ clinicId: clinicOf(req), actor: actorOf(req) });
  const attachment = (name: string) => ({
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'private, no-store',
  });

  router.get('/patients/:patientId/export', requireOwner, report, async (req, res) => {
    const id = patientIdOf(req);
    const data = await exportPatient({ prisma, masterKey: ctx.config.recordingsKey }, owner(req), id, ctx.clock());
    res
      .set(attachment(`patient-${id}.json`))
      .type('application/json')
      .send(exportJson(data));
  });
  router.get('/patients/:patientId/export.zip', requireOwner, report, async (req, res) => {
    const id = patientIdOf(req);
    const zip = await exportPatientWithAudio(ctx, owner(req), id);
    res
      .set(attachment(`patient-${id}.zip`))
      .type('application/zip')
      .send(zip);
  });
  router.get('/patients/:patientId/erasure', requireOwner, async (req, res) => {
    res.json(wire(await erasurePreview(prisma, clinicOf(req), patientIdOf(req))) satisfies ErasurePreview);
  });
  router.delete('/patients/:patientId', requireOwner, async (req, res) => {
    const id = patientIdOf(req);
    const { confirmName } = body(req, confirmSchema, { confirmName: "Type the patient's name to confirm" });
    const erased = await erasePatient(ctx, owner(req), id, confirmName);
    const { name: _name, ...counts } = erased;
    res.json({ erased: counts });
  });

  router.get('/export.zip', requireOwner, report, async (req, res) => {
    res.set(attachment(`clinic-${clinicOf(req)}.zip`)).type('application/zip');
    await sendInPieces(res, clinicExportZip({ prisma, masterKey: ctx.config.recordingsKey }, owner(req), ctx.clock()));
  });
  router.delete('/', requireOwner, async (req, res) => {
    const confirm = body(
      req,
      confirmSchema.extend({ destroyHeldRecordings: z.boolean({ error: 'must be true or false' }).optional() }),
      {
        confirmName: "Type the clinic's name to confirm",
        destroyHeldRecordings: 'Destroy the recordings under legal hold too',
      },
    );
    const clinicId = clinicOf(req);
    const closed = await closeClinic(ctx, clinicId, confirm, actorOf(req));
    ctx.fallbackDirectory.forget(closed.numbers);
    res.status(204).end();
  });

  const clinicWhere = (req: Request) =>
    prisma.clinic.findUniqueOrThrow({
      where: { id: clinicOf(req) },
      select: { id: true, timeZone: true, locale: true },
    });
  router.get('/audit', requireOwner, async (req, res) => {
    const q = query(req, auditQuerySchema);
    res.json(wire(await listAudit(prisma, await clinicWhere(req), q)) satisfies AuditPage);
  });
  router.get('/audit.csv', requireOwner, report, async (req, res) => {
    const q = query(req, auditCsvQuerySchema);
    res.set(attachment(`audit-${q.from ?? 'all'}-${q.to ?? 'now'}.csv`)).type('text/csv; charset=utf-8');
    await sendInPieces(res, auditCsv(prisma, await clinicWhere(req), q));
  });
  return router;
}
