// What every question of the phone line shares: "How can I help?" and "anything
// else?", the words that steer a call rather than answer it (urgent, "say that
// again" or star, "start again", a person, a message), and one more try after silence
// or words not understood before a person takes over.
import { recordAudit } from '../core/audit.js';
import { addCallEvent } from '../calls/call-events.js';
import { isOpenAt } from '../diary/opening-hours.js';
import type { Heard } from '../voice/call-step.js';
import type { StepQuery } from '../voice/steps.js';
import { voicemail } from '../reception/queue.js';
import { afterTask } from '../calls/call-state.js';
import type { Ivr } from './phone.js';
import { reception, receptionHours } from './reception-hours.js';

const FIRST_PROMPT =
  "How can I help? You can tell me what you need, for example: I'd like an appointment on Tuesday morning. Or press 1 to book, 2 to change or cancel an appointment, or 3 to speak to reception.";
const AGAIN_PROMPT =
  'Is there anything else I can help with? Tell me, or press 1 to book, 2 to change or cancel, 3 for reception. If not, say no, or just hang up.';
const SHORT_PROMPT = 'Say book, change, or reception. Or press 1, 2 or 3.';

/** "How can I help?", or after a task "anything else?"; a retry says the short help. */
export function askOpen(ivr: Ivr, q: StepQuery<'menu'>): string {
  const retry = Number(q.attempt ?? '1') > 1;
  const prompt = retry ? SHORT_PROMPT : q.again ? AGAIN_PROMPT : FIRST_PROMPT;
  const again = q.again ? { again: '1' as const } : {};
  return ivr.ask(
    ivr.url('menu', { attempt: q.attempt ?? '1', ...again }),
    prompt,
    ivr.url('menu', { attempt: q.attempt ?? '1', silence: '1', ...again }),
  );
}

/** After a task: "Is there anything else?" */
export const anythingElse = (ivr: Ivr): string => askOpen(ivr, { attempt: '1', again: '1' });

/** One more try with the short help; after that, a person (or goodbye when the caller was done anyway). */
export async function tryAgain(
  ivr: Ivr,
  attempt: number,
  again: (next: string) => string | Promise<string>,
  silent: boolean,
): Promise<string> {
  if (attempt >= 2) {
    ivr.say(silent ? "I haven't heard anything." : "Sorry, I still didn't understand.");
    return reception(ivr);
  }
  ivr.say(silent ? "Sorry, I didn't hear anything." : "Sorry, I didn't catch that.");
  return again(String(attempt + 1));
}

/**
 * What any question does with the words that steer a call rather than answer it: an
 * urgent phrase, "say that again" (or star), "start again", a person, a message. Null
 * when the answer is the question's own.
 */
export async function steer(ivr: Ivr, heard: Heard, repeat: () => string | Promise<string>): Promise<string | null> {
  if (heard.digits === '*') return repeat();
  const intent = heard.understood?.intent;
  if (intent === 'urgent') return urgent(ivr);
  if (intent === 'repeat') return repeat();
  if (intent === 'restart' || intent === 'back') {
    // Starting again forgets the task in hand; what this call proved or booked stays.
    await ivr.saveState(afterTask(ivr.state()));
    return askOpen(ivr, { attempt: '1' });
  }
  if (intent === 'message') return voicemail(ivr, 'Of course.', 'asked_for_message', true);
  if (intent === 'reception') return reception(ivr);
  return null;
}

const DEFAULT_ADVICE: Record<string, string> = {
  GB: 'If this is an emergency, such as chest pain, difficulty breathing, signs of a stroke or heavy bleeding, hang up now and call 999. If you are thinking about suicide or harming yourself, call 999 or NHS 111 and choose the mental health option. For urgent advice, call NHS 111.',
  US: 'If this is an emergency, hang up now and call 911. If you are thinking about suicide or are in crisis, call or text 988, the Suicide and Crisis Lifeline.',
  other: 'If this is an emergency, hang up now and call your local emergency number.',
};

/** The advice a clinic's callers hear when they say an urgent phrase: the owner's words, else the country's. */
export function emergencyAdvice(clinic: { locale: string; emergencyAdvice?: string | null }): string {
  if (clinic.emergencyAdvice?.trim()) return clinic.emergencyAdvice.trim();
  const country = clinic.locale.split('-')[1]?.toUpperCase() ?? '';
  return DEFAULT_ADVICE[country] ?? DEFAULT_ADVICE.other!;
}

/**
 * Someone said something that may be an emergency: the advice first, then a person at
 * once when reception is open, otherwise the advice again and a message. A signpost,
 * not triage: counted on the call's timeline and audited, without the words said.
 */
export async function urgent(ivr: Ivr): Promise<string> {
  const { prisma } = ivr.deps.db;
  const now = ivr.deps.clock();
  await addCallEvent(prisma, ivr.call.id, 'urgent', now);
  await recordAudit(prisma, {
    actor: { type: 'system' },
    action: 'call.urgent_phrase_heard',
    clinicId: ivr.call.clinic.id,
    subject: { type: 'call', id: ivr.call.id },
  });
  const advice = emergencyAdvice(ivr.call.clinic);
  ivr.say(advice);
  if (isOpenAt(now, await receptionHours(ivr))) {
    ivr.say('If it is not an emergency, stay on the line.');
    return reception(ivr);
  }
  ivr.say(`Reception is closed. ${advice}`);
  return voicemail(ivr, 'If it is not an emergency, you can leave a message.', 'urgent_out_of_hours');
}
