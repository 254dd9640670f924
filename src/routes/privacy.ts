import { type RequestHandler, Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requireOwner } from '../http/auth.js';
import { recordAudit } from '../core/audit.js';
import type { AppContext } from '../main/context.js';
import { notFound, parseInput } from '../http/errors.js';
import { auditQuerySchema, listAudit } from '../privacy/audit-log.js';
import { clinicExportZip, exportJson } from '../privacy/clinic-export.js';
import { closeClinic } from '../privacy/clinic-rights.js';
import { sendInPieces } from '../http/send-in-pieces.js';
import { erasePatient, erasurePreview, patientExport, patientExportZip } from '../privacy/patient-rights.js';

const confirmSchema = z.strictObject({ confirmName: z.string({ error: 'is required: type the name to confirm' }).max(200) });

/** The owner's data-protection duties: patient export and erasure, the clinic's export and closure, the audit log. */
export function privacyRoutes(ctx: AppContext, report: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const clinicOf = (req: Request) => req.membership!.clinicId;
  const patientIdOf = (req: Request) => {
    const id = String(req.params.patientId);
    if (!z.uuid().safeParse(id).success) throw notFound('No such patient');
    return id;
  };
  const audited = (req: Request, action: string, subject?: { type: string; id: string }, details?: Record<string, boolean | number>) =>
    recordAudit(prisma, { actor: actorOf(req), action, clinicId: clinicOf(req), subject, details });
  const attachment = (name: string) => ({ 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'private, no-store' });

  router.get('/patients/:patientId/export', requireOwner, report, async (req, res) => {
    const id = patientIdOf(req);
    const data = await patientExport(prisma, clinicOf(req), id, ctx.clock());
    await audited(req, 'patient.exported', { type: 'patient', id }, { audio: false });
    res.set(attachment(`patient-${id}.json`)).type('application/json').send(exportJson(data));
  });
  router.get('/patients/:patientId/export.zip', requireOwner, report, async (req, res) => {
    const id = patientIdOf(req);
    const zip = await patientExportZip(ctx, clinicOf(req), id);
    await audited(req, 'patient.exported', { type: 'patient', id }, { audio: true });
    res.set(attachment(`patient-${id}.zip`)).type('application/zip').send(zip);
  });
  router.get('/patients/:patientId/erasure', requireOwner, async (req, res) => {
    res.json(await erasurePreview(prisma, clinicOf(req), patientIdOf(req)));
  });
  router.delete('/patients/:patientId', requireOwner, async (req, res) => {
    const { confirmName } = parseInput(confirmSchema, req.body);
    const erased = await erasePatient(ctx, { clinicId: clinicOf(req), actor: actorOf(req) }, patientIdOf(req), confirmName);
    const { name: _name, ...counts } = erased;
    res.json({ erased: counts });
  });

  router.get('/export.zip', requireOwner, report, async (req, res) => {
    await audited(req, 'clinic.exported');
    res.set(attachment(`clinic-${clinicOf(req)}.zip`)).type('application/zip');
    await sendInPieces(res, clinicExportZip(prisma, clinicOf(req), ctx.clock()));
  });
  router.delete('/', requireOwner, async (req, res) => {
    const confirm = parseInput(confirmSchema.extend({ destroyHeldRecordings: z.boolean({ error: 'must be true or false' }).optional() }), req.body);
    const clinicId = clinicOf(req);
    const closed = await closeClinic({ prisma, storage: ctx.recordings }, clinicId, confirm, actorOf(req));
    ctx.fallbackDirectory.forget(closed.numbers);
    for (const userId of closed.members) ctx.events.accessChanged({ kind: 'left_clinic', userId, clinicId });
    for (const userId of closed.signedOut) ctx.events.accessChanged({ kind: 'signed_out', userId });
    res.status(204).end();
  });

  router.get('/audit', requireOwner, async (req, res) => {
    const q = parseInput(auditQuerySchema, req.query);
    const clinic = await prisma.clinic.findUniqueOrThrow({ where: { id: clinicOf(req) }, select: { id: true, timeZone: true } });
    res.json(await listAudit(prisma, clinic, q));
  });
  return router;
}
