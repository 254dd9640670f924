// What the Live screen shows of the queue: the callers on the line, longest waiting first,
// and the call-backs asked for from the queue still to be rung, each in its caller's place.
import type { Prisma } from '../db/database.js';
import { namesOnNumbers } from '../diary/patients.js';

/** The queue as the dashboard reads it (its wire form is the contract's QueueList). */
export async function listQueue(prisma: Prisma, clinicId: string, now: Date) {
  const [waiting, callBacks] = await Promise.all([
    prisma.call.findMany({
      where: { clinicId, queueStatus: { in: ['waiting', 'claimed'] } },
      orderBy: { queuedAt: 'asc' },
      select: { id: true, fromNumber: true, queuedAt: true, queueStatus: true, claimedBy: true },
    }),
    prisma.callBack.findMany({
      where: { clinicId, requestedInQueue: true, doneAt: null, ringState: { in: ['waiting', 'reserved', 'ringing'] } },
      orderBy: [{ joinedQueueAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        ringNumber: true,
        fromNumber: true,
        joinedQueueAt: true,
        ringState: true,
        notBefore: true,
        reservedBy: true,
        attemptsMade: true,
      },
    }),
  ]);
  const numbers = [...waiting.map((c) => c.fromNumber), ...callBacks.map((b) => b.ringNumber ?? b.fromNumber)];
  const [names, staff] = await Promise.all([
    // The patients each number belongs to, so the desk sees names, not numbers.
    namesOnNumbers(prisma, clinicId, numbers),
    prisma.user.findMany({
      where: { id: { in: callBacks.flatMap((b) => (b.reservedBy ? [b.reservedBy] : [])) } },
      select: { id: true, email: true, name: true },
    }),
  ]);
  // A patient with a call-back to come who rings again and waits: answered by hand in the call-back's place.
  const onLine = (number: string) =>
    waiting.find((c) => c.fromNumber === number && c.queueStatus === 'waiting')?.id ?? null;
  const t = now.getTime();
  return {
    callers: waiting.map((c, i) => ({
      ...c,
      position: i + 1,
      waitSeconds: Math.max(0, Math.round((t - (c.queuedAt?.getTime() ?? t)) / 1000)),
      callers: names(c.fromNumber),
    })),
    callBacks: callBacks.map((b) => {
      const ringNumber = b.ringNumber ?? b.fromNumber;
      const person = staff.find((s) => s.id === b.reservedBy);
      return {
        id: b.id,
        ringNumber,
        joinedQueueAt: b.joinedQueueAt ?? now,
        state: b.ringState as 'waiting' | 'reserved' | 'ringing',
        notBefore: b.notBefore && b.notBefore.getTime() > t ? b.notBefore : null,
        reservedFor: person ? { userId: person.id, email: person.email, name: person.name } : null,
        attempts: b.attemptsMade,
        callers: names(ringNumber),
        onLineCallId: onLine(ringNumber),
      };
    }),
  };
}
