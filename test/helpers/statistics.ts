import type { Prisma } from '../../src/db/database.js';
import { callSid } from './twilio.js';

// Above the random sids the Caller helper draws (< 1e9), so seeds never collide with scripted calls.
let sidSeq = 1;
const utc = (iso: string) => new Date(iso);
const s = (seconds: number) => seconds * 1000;

/**
 * A London clinic's Monday 7 June 2027 (BST, UTC+1) and the first minutes of Tuesday,
 * with outcomes and times chosen so every figure can be worked out by hand
 * (the figures are written out in test/statistics/statistics.test.ts).
 */
export async function seedCallsOfMonday7June(prisma: Prisma, clinic: { id: string; numbers: string[] }) {
  const add = (
    startedAt: string,
    facts: {
      queuedAfter?: number;
      answeredAfter?: number;
      endedAfter?: number;
      duration?: number;
      outcome?: string;
      queueStatus?: string;
      direction?: string;
    },
  ) => {
    const start = utc(startedAt);
    const queuedAt = facts.queuedAfter === undefined ? null : new Date(start.getTime() + s(facts.queuedAfter));
    return prisma.call.create({
      data: {
        callSid: callSid(0x5eed0000 + sidSeq++),
        clinicId: clinic.id,
        fromNumber: '+447700900123',
        toNumber: clinic.numbers[0]!,
        direction: facts.direction ?? 'inbound',
        status: 'completed',
        startedAt: start,
        queuedAt,
        answeredAt:
          queuedAt && facts.answeredAfter !== undefined ? new Date(queuedAt.getTime() + s(facts.answeredAfter)) : null,
        endedAt: facts.endedAfter !== undefined && queuedAt ? new Date(queuedAt.getTime() + s(facts.endedAfter)) : null,
        durationSeconds: facts.duration ?? null,
        outcome: facts.outcome ?? null,
        queueStatus: facts.queueStatus ?? null,
      },
    });
  };
  await add('2027-06-06T23:30:00Z', {
    queuedAfter: 10,
    answeredAfter: 20,
    endedAfter: 80,
    duration: 90,
    outcome: 'reception',
    queueStatus: 'answered',
  }); // Monday 00:30 local
  await add('2027-06-07T07:05:00Z', {
    queuedAfter: 30,
    answeredAfter: 15,
    endedAfter: 170,
    duration: 200,
    outcome: 'reception',
    queueStatus: 'answered',
  }); // 08:05
  await add('2027-06-07T07:40:00Z', {
    queuedAfter: 20,
    answeredAfter: 45,
    endedAfter: 280,
    duration: 300,
    outcome: 'reception',
    queueStatus: 'answered',
  }); // 08:40
  const abandoned = await add('2027-06-07T08:10:00Z', {
    queuedAfter: 25,
    endedAfter: 70,
    duration: 95,
    outcome: 'abandoned',
    queueStatus: 'abandoned',
  }); // 09:10
  await add('2027-06-07T08:30:00Z', { duration: 150, outcome: 'booked' }); // 09:30
  await add('2027-06-07T08:45:00Z', { duration: 120, outcome: 'moved' }); // 09:45
  await add('2027-06-07T09:00:00Z', { duration: 300, outcome: 'call_back', direction: 'outbound' }); // staff ringing back: not an incoming call
  const voicemail = await add('2027-06-07T12:00:00Z', {
    queuedAfter: 15,
    endedAfter: 65,
    duration: 80,
    outcome: 'voicemail',
    queueStatus: 'left',
  }); // 13:00
  await add('2027-06-07T22:30:00Z', { duration: 40, outcome: 'out_of_hours' }); // 23:30
  await add('2027-06-07T23:30:00Z', { duration: 60, outcome: 'cancelled' }); // Tuesday 00:30 local
  await prisma.callBack.create({
    data: {
      clinicId: clinic.id,
      callId: abandoned.id,
      reason: 'abandoned',
      fromNumber: '+447700900123',
      createdAt: utc('2027-06-07T08:11:40Z'),
      doneAt: utc('2027-06-07T10:00:00Z'),
    },
  });
  await prisma.callBack.create({
    data: {
      clinicId: clinic.id,
      callId: voicemail.id,
      reason: 'voicemail',
      fromNumber: '+447700900123',
      createdAt: utc('2027-06-07T12:02:00Z'),
      doneAt: utc('2027-06-08T08:00:00Z'),
    },
  });
}
