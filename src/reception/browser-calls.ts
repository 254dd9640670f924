// The TwiML App's voice URL: a member of staff rings a patient back from the
// dashboard. Only identities this service issued (staff_<user id>) get through,
// and only to call from a clinic they belong to.
import twilio from 'twilio';
import type { Services } from '../core/services.js';
import { e164Schema } from '../core/validation.js';
import { voiceFor } from '../voice/twiml.js';
import { staffIdFromIdentity } from './answering.js';

const { VoiceResponse } = twilio.twiml;

function refuse(): string {
  const response = new VoiceResponse();
  response.say(voiceFor(undefined), 'This call cannot be placed. Goodbye.');
  response.hangup();
  return response.toString();
}

export async function browserCall(
  deps: Pick<Services, 'config' | 'db' | 'clock'>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const { prisma } = deps.db;
  const userId = staffIdFromIdentity(body.From);
  const appSid = deps.config.twilio.twimlAppSid;
  if (!userId || (appSid && body.ApplicationSid !== appSid) || !body.CallSid) return refuse();
  const to = body.To ?? '';
  const clinicId = body.clinicId ?? '';
  if (!e164Schema.safeParse(to).success || !/^[0-9a-f-]{36}$/.test(clinicId)) return refuse();
  const membership = await prisma.membership.findUnique({
    where: { userId_clinicId: { userId, clinicId } },
    select: {
      clinic: { select: { locale: true, numbers: { select: { e164: true }, orderBy: { createdAt: 'asc' }, take: 1 } } },
    },
  });
  const callerId = membership?.clinic.numbers[0]?.e164;
  if (!membership || !callerId) return refuse();
  // On the call log like any other call, as the clinic calling out.
  await prisma.call.createMany({
    data: [
      {
        callSid: body.CallSid,
        clinicId,
        fromNumber: callerId,
        toNumber: to,
        direction: 'outbound',
        status: 'in-progress',
        startedAt: deps.clock(),
        answeredBy: userId,
        outcome: 'call_back',
      },
    ],
    skipDuplicates: true,
  });
  const response = new VoiceResponse();
  response.dial({ callerId, answerOnBridge: true }).number(to);
  return response.toString();
}
