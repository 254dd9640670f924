import { type RequestHandler, Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { requireOwner } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import { firstCallDate, nhsMonthCsv, periodReport, reportCsv } from '../statistics/statistics.js';
import { defaultPeriod } from '../statistics/period.js';
import { Conflict, InvalidInput } from '../core/errors.js';
import { query } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { StatisticsReport } from '../contracts/api.js';

const MAX_DAYS = 366;

const periodSchema = z.strictObject({
  from: z.iso.date('must be a date like 2027-03-04').optional(),
  to: z.iso.date('must be a date like 2027-03-04').optional(),
});

/**
 * /api/clinics/:clinicId/statistics[.csv]?from=&to= (local dates, both included). Owners only. Without
 * either, src/statistics/period.ts chooses; with only `to`, the 28 days up to it; with only `from`, up to today.
 */
export function statisticsRoutes(ctx: AppContext, report: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;

  async function periodOf(req: Request) {
    const q = query(req, periodSchema);
    const clinic = await prisma.clinic.findUniqueOrThrow({
      where: { id: req.membership!.clinicId },
      select: { id: true, timeZone: true },
    });
    const today = DateTime.fromJSDate(ctx.clock(), { zone: clinic.timeZone }).toISODate()!;
    const chosen = q.from || q.to ? null : defaultPeriod(today, await firstCallDate(prisma, clinic));
    const to = q.to ?? chosen?.to ?? today;
    const from = q.from ?? chosen?.from ?? DateTime.fromISO(to).minus({ days: 27 }).toISODate()!;
    if (from > to) throw new InvalidInput('from: must not be after to', 'from');
    if (DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days >= MAX_DAYS)
      throw new InvalidInput(`to: a period is at most ${MAX_DAYS} days`, 'to');
    return periodReport(prisma, clinic, from, to, ctx.clock());
  }

  router.get('/statistics', requireOwner, report, async (req, res) => {
    res.json(wire(await periodOf(req)) satisfies StatisticsReport);
  });
  router.get('/statistics.csv', requireOwner, report, async (req, res) => {
    const r = await periodOf(req);
    res
      .set('Content-Disposition', `attachment; filename="call-statistics-${r.from}-${r.to}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(reportCsv(r));
  });
  const monthSchema = z.strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2027-03'),
  });
  // NHS England's cloud-based telephony figures for a month, for an English GP practice (one with an ODS code).
  router.get('/statistics/nhs.csv', requireOwner, report, async (req, res) => {
    const { month } = query(req, monthSchema);
    const clinic = await prisma.clinic.findUniqueOrThrow({
      where: { id: req.membership!.clinicId },
      select: { id: true, timeZone: true, odsCode: true },
    });
    if (!clinic.odsCode)
      throw new Conflict(
        'no_ods_code',
        "The NHS telephony statistics are for English GP practices: set the practice's ODS code in Settings first.",
      );
    const today = DateTime.fromJSDate(ctx.clock(), { zone: clinic.timeZone }).toFormat('yyyy-MM');
    if (month > today) throw new InvalidInput('month: must not be after this month', 'month');
    const csv = await nhsMonthCsv(prisma, { ...clinic, odsCode: clinic.odsCode }, month, ctx.clock());
    if (csv === null)
      throw new Conflict(
        'nhs_figures_missing',
        'Some days of this month were counted before the NHS figures were, and their calls have since been deleted.',
      );
    res
      .set('Content-Disposition', `attachment; filename="nhs-telephony-${clinic.odsCode}-${month}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });
  return router;
}
