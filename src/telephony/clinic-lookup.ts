import { getClinic, type ClinicView } from '../clinics/clinics.js';
import type { AppContext } from '../context.js';

/** The clinic a dialled number (`To`, E.164) belongs to; remembered for the fallback URL. */
export async function findClinicByNumber(ctx: AppContext, dialled: string): Promise<ClinicView | null> {
  const number = await ctx.db.prisma.clinicNumber.findUnique({ where: { e164: dialled }, select: { clinicId: true } });
  const clinic = number ? await getClinic(ctx.db.prisma, number.clinicId) : null;
  if (clinic) ctx.fallbackDirectory.remember(clinic);
  return clinic;
}
