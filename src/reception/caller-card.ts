// The caller's card: what the desk needs on screen while a caller rings, waits or talks —
// who it may be (every patient on the number, and whom they book for), their notes,
// next and recent appointments, the number's recent calls and open call-backs — and the
// desk's short note on the call. Caller ID can be spoofed: the card is a list of
// possibilities, and the screen says to confirm who is speaking before discussing a record.
import { recordAudit, type Actor } from '../core/audit.js';
import { NotFound } from '../core/errors.js';
import { isE164 } from '../core/validation.js';
import type { Prisma } from '../db/database.js';
import { callsWithNumbers, onNumbers, otherParty, patientView, presentPatient } from '../diary/patients.js';

const NEXT = 3;
const RECENT = 3;

const appointmentView = {
  id: true,
  patientId: true,
  practitionerId: true,
  typeId: true,
  startsAt: true,
  endsAt: true,
  status: true,
  source: true,
  patient: { select: { id: true, name: true } },
  type: { select: { id: true, name: true } },
  practitioner: { select: { id: true, name: true } },
} as const;

export async function callerCard(prisma: Prisma, clinicId: string, callId: string, now: Date) {
  const call = await prisma.call.findFirst({
    where: { id: callId, clinicId },
    select: {
      id: true,
      direction: true,
      fromNumber: true,
      toNumber: true,
      startedAt: true,
      endedAt: true,
      queueStatus: true,
      note: true,
      notedAt: true,
    },
  });
  if (!call) throw new NotFound('No such call');
  const number = otherParty(call);
  const known = isE164(number) ? number : null;
  const onNumber = known
    ? await prisma.patient.findMany({
        where: { clinicId, ...onNumbers([known]) },
        select: { id: true, booksFor: { select: { id: true } } },
      })
    : [];
  // A parent ringing for a child: whom they book for may be the one the call is about.
  const ids = [...new Set(onNumber.flatMap((p) => [p.id, ...p.booksFor.map((w) => w.id)]))];
  const [patients, upcoming, past, noShows, recentCalls, callBacks] = await Promise.all([
    prisma.patient.findMany({
      where: { id: { in: ids }, clinicId },
      select: patientView,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    }),
    prisma.appointment.findMany({
      where: { clinicId, patientId: { in: ids }, status: 'booked', startsAt: { gte: now } },
      select: appointmentView,
      orderBy: { startsAt: 'asc' },
      take: NEXT * Math.max(1, ids.length),
    }),
    prisma.appointment.findMany({
      where: { clinicId, patientId: { in: ids }, startsAt: { lt: now } },
      select: appointmentView,
      orderBy: { startsAt: 'desc' },
      take: RECENT * Math.max(1, ids.length),
    }),
    prisma.appointment.groupBy({
      by: ['patientId'],
      where: { clinicId, patientId: { in: ids }, status: 'no_show' },
      _count: { _all: true },
    }),
    known
      ? prisma.call.findMany({
          where: { clinicId, id: { not: call.id }, ...callsWithNumbers([known]) },
          select: { id: true, direction: true, startedAt: true, outcome: true, missedBecause: true, note: true },
          orderBy: { startedAt: 'desc' },
          take: 5,
        })
      : [],
    known
      ? prisma.callBack.findMany({
          where: { clinicId, doneAt: null, OR: [{ fromNumber: known }, { ringNumber: known }] },
          select: { id: true, reason: true, createdAt: true, ringNumber: true },
          orderBy: { createdAt: 'asc' },
        })
      : [],
  ]);
  const onThisNumber = new Set(onNumber.map((p) => p.id));
  const missed = new Map(noShows.map((n) => [n.patientId, n._count._all]));
  return {
    call: { ...call, number },
    patients: patients.map(presentPatient).map((p) => ({
      ...p,
      /** On the number that rang, or someone a patient on it books for. */
      onThisNumber: onThisNumber.has(p.id),
      noShows: missed.get(p.id) ?? 0,
      next: upcoming.filter((a) => a.patientId === p.id).slice(0, NEXT),
      recent: past.filter((a) => a.patientId === p.id).slice(0, RECENT),
    })),
    recentCalls,
    callBacks,
  };
}

/** The desk's note on a call (empty clears it); audited without its words, which stay with the call. */
export async function noteCall(
  prisma: Prisma,
  who: { clinicId: string; actor: Actor & { type: 'user' }; now: Date },
  callId: string,
  note: string,
) {
  return prisma.$transaction(async (tx) => {
    const call = await tx.call.findFirst({ where: { id: callId, clinicId: who.clinicId }, select: { id: true } });
    if (!call) throw new NotFound('No such call');
    const saved = await tx.call.update({
      where: { id: call.id },
      data: note ? { note, notedBy: who.actor.userId, notedAt: who.now } : { note: null, notedBy: null, notedAt: null },
      select: { id: true, note: true, notedAt: true },
    });
    await recordAudit(tx, {
      actor: who.actor,
      action: note ? 'call.noted' : 'call.note_cleared',
      clinicId: who.clinicId,
      subject: { type: 'call', id: call.id },
    });
    return saved;
  });
}
