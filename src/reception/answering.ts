// Answering a chosen caller in the browser: a Twilio access token for the
// dashboard's Voice SDK, and the claim that gives one caller to exactly one
// receptionist before Twilio is asked to move the call.
import twilio from 'twilio';
import type { Services } from '../core/services.js';
import { stepUrl } from '../voice/steps.js';
import { uuidFromHex } from '../db/uuid7.js';
import { Conflict, NotFound, Unavailable, UpstreamFailed } from '../core/errors.js';
import { releaseReservation } from './ring-back-tries.js';

export const VOICE_TOKEN_TTL_SECONDS = 600;

export function browserAnsweringConfigured(config: Services['config']): boolean {
  const t = config.twilio;
  return Boolean(t.accountSid && t.apiKey && t.apiSecret && t.twimlAppSid && t.authToken);
}

/** Where answering in the browser runs: the configuration, and the phone simulator when it plays Twilio (src/simulator). */
export interface AnsweringDeps extends Pick<Services, 'config'> {
  simulator?: { playsTwilio: boolean };
}

/** How reception answers in the browser here: Twilio's Voice SDK, the phone simulator's stand-in for it, or not at all. */
export function browserAnswering(deps: AnsweringDeps): 'twilio' | 'simulated' | null {
  if (browserAnsweringConfigured(deps.config)) return 'twilio';
  return deps.simulator?.playsTwilio ? 'simulated' : null;
}

const NOT_CONFIGURED =
  'Answering in the browser needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET and TWILIO_TWIML_APP_SID on the server.';

/**
 * A short-lived Voice token for the signed-in member of staff; the dashboard asks
 * again before it expires. Under the phone simulator there is no Twilio to talk
 * to: the answer says so (`simulated`) and carries no token.
 */
export function voiceToken(deps: AnsweringDeps, userId: string, now: Date) {
  const mode = browserAnswering(deps);
  if (!mode) throw new Unavailable('twilio_not_configured', NOT_CONFIGURED);
  const identity = staffIdentity(userId);
  const expiresAt = new Date(now.getTime() + VOICE_TOKEN_TTL_SECONDS * 1000).toISOString();
  if (mode === 'simulated') return { simulated: true as const, identity, expiresAt };
  const { accountSid, apiKey, apiSecret, twimlAppSid } = deps.config.twilio;
  const token = new twilio.jwt.AccessToken(accountSid!, apiKey!, apiSecret!, {
    identity,
    ttl: VOICE_TOKEN_TTL_SECONDS,
  });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: twimlAppSid, incomingAllow: true }));
  return { token: token.toJwt(), identity, expiresAt };
}

/**
 * Takes a waiting caller for one receptionist. The claim is one conditional UPDATE,
 * so of two receptionists pressing Answer together exactly one wins; the other is
 * told who did. Then Twilio moves that caller (not the front of the queue) to a URL
 * that rings the winner's browser. If Twilio refuses, the claim is released.
 */
export async function answerCaller(
  deps: AnsweringDeps & Pick<Services, 'db' | 'events' | 'clock' | 'twilio'>,
  input: { clinicId: string; callId: string; user: { id: string; email: string; name: string | null } },
) {
  if (!browserAnswering(deps) || !deps.twilio) throw new Unavailable('twilio_not_configured', NOT_CONFIGURED);
  const { prisma } = deps.db;
  // Reserved for a call-back from the queue: once the patient's phone rings, this person is
  // theirs; before that, picking a caller by hand hands the reservation on (the dialler's next
  // pass reserves someone else, and the call-back keeps its place).
  const inHand = await prisma.callBack.findFirst({
    where: { reservedBy: input.user.id, ringState: { in: ['reserved', 'ringing'] } },
    select: { id: true, ringState: true },
  });
  if (inHand && !(inHand.ringState === 'reserved' && (await releaseReservation(deps, inHand.id, input.user.id))))
    throw new Conflict(
      'ringing_back',
      'You are ringing back a patient who asked from the queue: they are put through to you when they press 1.',
    );
  const claimed = await prisma.call.updateMany({
    where: { id: input.callId, clinicId: input.clinicId, queueStatus: 'waiting', queueSid: { not: null } },
    data: { queueStatus: 'claimed', claimedBy: input.user.id },
  });
  const call = await prisma.call.findFirst({
    where: { id: input.callId, clinicId: input.clinicId },
    select: { id: true, callSid: true, queueSid: true, queueStatus: true, claimedBy: true, answeredBy: true },
  });
  if (!call) throw new NotFound('No such call');
  if (claimed.count === 0) {
    const holder = call.claimedBy ?? call.answeredBy;
    if (holder && (call.queueStatus === 'claimed' || call.queueStatus === 'answered')) {
      const who =
        holder === input.user.id
          ? 'you'
          : ((await prisma.user.findUnique({ where: { id: holder }, select: { email: true } }))?.email ??
            'someone else');
      throw new Conflict('already_answered', `This caller has already been answered by ${who}.`);
    }
    if (call.queueStatus === 'waiting')
      throw new Conflict('not_ready', 'This caller is still being connected to the queue. Try again in a moment.');
    throw new Conflict('caller_gone', 'This caller is no longer waiting.');
  }
  const url = stepUrl(deps.config.publicBaseUrl, 'queue/connect', call.id, { staff: input.user.id });
  try {
    await deps.twilio.queues(call.queueSid!).members(call.callSid).update({ url, method: 'POST' });
  } catch (err) {
    await prisma.call.updateMany({
      where: { id: call.id, queueStatus: 'claimed', claimedBy: input.user.id },
      data: { queueStatus: 'waiting', claimedBy: null },
    });
    const gone = (err as { status?: number }).status === 404;
    if (gone) throw new Conflict('caller_gone', 'This caller is no longer waiting.');
    throw new UpstreamFailed('twilio_failed', `Twilio could not put the caller through: ${(err as Error).message}`);
  }
  const now = deps.clock();
  deps.events.publish(
    'call.answered',
    input.clinicId,
    {
      callId: call.id,
      callSid: call.callSid,
      answeredBy: { userId: input.user.id, email: input.user.email, name: input.user.name },
    },
    now,
  );
  return { callId: call.id, callSid: call.callSid, identity: staffIdentity(input.user.id) };
}

/** The browser identity Twilio knows a member of staff by (letters, digits and underscores only). */
export const staffIdentity = (userId: string) => `staff_${userId.replace(/-/g, '')}`;

/** The user id behind an identity this service issued, or null. */
export function staffIdFromIdentity(identity: string | undefined): string | null {
  const hex = /^(?:client:)?staff_([0-9a-f]{32})$/.exec(identity ?? '')?.[1];
  return hex ? uuidFromHex(hex) : null;
}
