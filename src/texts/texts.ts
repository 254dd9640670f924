// Text messages the clinic sends (confirmations, missed calls, waitlist offers).
// Queued in the same transaction as the change they are about, sent by a job, so
// a text is never lost and never holds up a caller or a Twilio webhook.
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import { isE164 } from '../core/validation.js';
import { type JobHandlers, queueJob } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';

type Tx = Pick<Prisma, 'clinic' | 'textMessage' | 'job'>;

export interface TextInput {
  clinicId: string;
  kind: 'booked' | 'moved' | 'cancelled' | 'missed_call' | 'waitlist_offer' | 'call_back';
  to: string | null | undefined;
  body: string;
  /** At most one text per key, ever (enforced by a unique index). */
  dedupeKey?: string;
  /** Not before this (a text that may yet be called off); now if absent. */
  sendAt?: Date;
}

/** Queues a text when the clinic sends texts and the number can take one; null otherwise. */
export async function queueText(tx: Tx, input: TextInput): Promise<string | null> {
  if (!isE164(input.to)) return null;
  const clinic = await tx.clinic.findUnique({ where: { id: input.clinicId }, select: { textMessages: true } });
  if (!clinic?.textMessages) return null;
  const id = randomUUID();
  const created = await tx.textMessage.createMany({
    data: [
      {
        id,
        clinicId: input.clinicId,
        kind: input.kind,
        toNumber: input.to,
        body: input.body,
        dedupeKey: input.dedupeKey ?? null,
      },
    ],
    skipDuplicates: true,
  });
  if (created.count === 0) return null;
  await queueJob(
    tx,
    'text.send',
    { messageId: id },
    { dedupeKey: `text:${id}`, ...(input.sendAt ? { runAt: input.sendAt } : {}) },
  );
  return id;
}

/** How long a "sorry we missed you" waits, so a voicemail's recording (which comes just after the call ends) can call it off. */
export const MISSED_CALL_TEXT_DELAY_MS = 2 * 60_000;

/**
 * "Sorry we missed you", at most once a day (the clinic's day) per number, sent a couple
 * of minutes after the call: a message left meanwhile calls it off (`callOffMissedCallText`).
 */
export async function queueMissedCallText(tx: Tx, input: { clinicId: string; to: string; now: Date }): Promise<void> {
  const clinic = await tx.clinic.findUnique({ where: { id: input.clinicId }, select: { name: true, timeZone: true } });
  if (!clinic) return;
  const day = DateTime.fromJSDate(input.now, { zone: clinic.timeZone }).toISODate();
  await queueText(tx, {
    clinicId: input.clinicId,
    kind: 'missed_call',
    to: input.to,
    body: `Sorry we missed your call to ${clinic.name}. We will call you back as soon as we can.`,
    dedupeKey: `missed_call:${input.clinicId}:${input.to}:${day}`,
    sendAt: new Date(input.now.getTime() + MISSED_CALL_TEXT_DELAY_MS),
  });
}

/** The caller left a message after all: a "sorry we missed you" still waiting to go to them is not sent. */
export async function callOffMissedCallText(tx: Tx, input: { clinicId: string; to: string }): Promise<void> {
  await tx.textMessage.updateMany({
    where: { clinicId: input.clinicId, kind: 'missed_call', toNumber: input.to, status: 'queued' },
    data: { status: 'cancelled' },
  });
}

/** The job that sends one text through Twilio; safe to run again after a crash. */
export function textJobs(deps: Pick<Services, 'db' | 'twilio' | 'clock'>): Pick<JobHandlers, 'text.send'> {
  return {
    'text.send': async ({ messageId }) => {
      const { prisma } = deps.db;
      const message = await prisma.textMessage.findUnique({
        where: { id: messageId },
        include: {
          clinic: { select: { numbers: { select: { e164: true }, orderBy: { createdAt: 'asc' }, take: 1 } } },
        },
      });
      if (!message || message.status === 'sent' || message.status === 'cancelled') return;
      const from = message.clinic.numbers[0]?.e164;
      if (!deps.twilio || !from) {
        await prisma.textMessage.update({ where: { id: messageId }, data: { status: 'failed' } });
        throw new PermanentJobError(
          !deps.twilio
            ? 'Twilio is not configured, so texts cannot be sent'
            : 'the clinic has no number to send texts from',
        );
      }
      try {
        const sent = await deps.twilio.messages.create({ to: message.toNumber, from, body: message.body });
        await prisma.textMessage.update({
          where: { id: messageId },
          data: { status: 'sent', messageSid: sent.sid, sentAt: deps.clock() },
        });
      } catch (err) {
        const status = (err as { status?: number }).status;
        // Twilio refusing the message itself (a landline, a blocked number) will not change on a retry.
        if (status && status >= 400 && status < 500 && status !== 429) {
          await prisma.textMessage.update({ where: { id: messageId }, data: { status: 'failed' } });
          throw new PermanentJobError(`Twilio refused the text: ${(err as Error).message}`);
        }
        throw err;
      }
    },
  };
}
