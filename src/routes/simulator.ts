// The phone simulator's API, under a clinic: place a call to the clinic's number,
// then press keys, speak, stay silent or hang up; each answer is the call's
// transcript so far. The receptionist a queued caller was put through to hangs up
// here too. When the service rings a patient back, their phone rings here: answer it
// (as the patient or their voicemail), decline it or let it ring out, then press keys
// and hang up as on any call. Staff of the clinic only; nothing here reveals a token.
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../main/context.js';
import { isE164 } from '../core/validation.js';
import type { SimulatedCall } from '../simulator/simulated-call.js';
import { SimulatorError } from '../simulator/simulated-call.js';
import { secondsToSay } from '../simulator/simulator.js';
import { browserAnswering, staffIdentity } from '../reception/answering.js';
import { NotFound, InvalidInput, Conflict } from '../core/errors.js';
import { body, ids } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { PatientsPhoneList, SimulatedCallView } from '../contracts/api.js';

const e164 = z.string().refine((n) => isE164(n), 'must be a phone number in international form, like +447700900123');
const placeSchema = z.strictObject({ from: e164.optional(), to: e164.optional() });
const pressSchema = z.strictObject({
  digits: z.string().regex(/^[0-9*#]{1,20}$/, 'must be keypad keys (0–9, * and #)'),
});
// A message of so many seconds (silent), or typed words (which Twilio's transcript will say), or both.
const messageSchema = z
  .strictObject({
    seconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be whole seconds')
      .min(1, 'must be at least 1')
      .max(120, 'must be at most 120'),
    words: z.string().trim().min(1, 'must not be empty').max(1_000, 'must be at most 1000 characters'),
  })
  .partial()
  .refine((m) => m.seconds !== undefined || m.words !== undefined, {
    message: 'must say how many seconds, or the words of the message',
    path: ['seconds'],
  });
const saySchema = z.strictObject({
  words: z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters'),
});
const answerSchema = z.strictObject({
  as: z.enum(['person', 'machine'], { error: "must be 'person' or 'machine' (the voicemail)" }),
});
const callSid = z.string().regex(/^CA[0-9a-f]{32}$/);
const ringOutSchema = z.strictObject({
  to: e164,
  callBackId: z.uuid('must be a call-back of this clinic').nullish(),
});

const view = (call: SimulatedCall) => {
  const waiting = call.waitingOn;
  const takes =
    waiting?.verb === 'Gather'
      ? waiting.input.includes('speech')
        ? 'keys or speech'
        : 'keys'
      : waiting?.verb === 'Record'
        ? 'a message'
        : call.takesKeyInQueue
          ? 'keys'
          : null;
  // How many keys the question waits for (Twilio's numDigits): a date of birth is eight, sent together.
  const digits = waiting?.verb === 'Gather' ? waiting.numDigits : call.takesKeyInQueue ? 1 : null;
  return wire({
    sid: call.sid,
    direction: call.direction,
    from: call.from,
    to: call.to,
    state: call.state,
    takes,
    digits,
    transcript: call.transcript,
  }) satisfies SimulatedCallView;
};

export function simulatorRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const simulator = () => {
    const sim = ctx.simulator;
    if (!sim?.ready)
      throw new Conflict(
        'simulator_off',
        `The phone simulator is not running here: ${ctx.simulatorOff ?? 'it starts with the server'}`,
      );
    return sim;
  };
  const callOf = (req: Request) => {
    const { sid } = ids(req, { sid: 'simulated call' }, callSid);
    const call = simulator().find(req.membership!.clinicId, sid);
    if (!call) throw new NotFound('No such simulated call');
    return call;
  };
  /** Runs what the caller did; something they cannot do now (keys when nobody asks) is a 409 naming why. */
  const act = async (call: SimulatedCall, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      if (err instanceof SimulatorError) throw new Conflict('not_now', err.message);
      throw err;
    }
    return view(call);
  };

  router.post('/simulator/calls', async (req, res) => {
    const { from, to } = body(req, placeSchema);
    const sim = simulator();
    // Any of the clinic's numbers (the first unless `to` says which); never another clinic's.
    const numbers = (
      await ctx.db.prisma.clinicNumber.findMany({
        where: { clinicId: req.membership!.clinicId },
        orderBy: { createdAt: 'asc' },
        select: { e164: true },
      })
    ).map((n) => n.e164);
    if (numbers.length === 0) throw new Conflict('no_number', 'This clinic has no phone number to call');
    if (to && !numbers.includes(to))
      throw new InvalidInput(`to: must be one of this clinic's numbers (${numbers.join(', ')})`, 'to');
    const call = await sim.place(req.membership!.clinicId, to ?? numbers[0]!, from ?? '+447700900001');
    res.status(201).json(view(call));
  });
  // The patient's phone: what the service is ringing now (the page also hears `simulator.phone_ringing`).
  router.get('/simulator/patients-phone', (req, res) => {
    const calls = simulator().patientsPhone(req.membership!.clinicId);
    res.json({ calls: calls.map(view) } satisfies PatientsPhoneList);
  });
  router.get('/simulator/calls/:sid', (req, res) => {
    res.json(view(callOf(req)));
  });
  router.post('/simulator/calls/:sid/answer', async (req, res) => {
    const call = callOf(req);
    const { as } = body(req, answerSchema);
    res.json(await act(call, () => call.answer(as)));
  });
  // Rejecting the call is Twilio's busy; letting it ring out, its no-answer (now rather than after the ring).
  router.post('/simulator/calls/:sid/decline', async (req, res) => {
    const call = callOf(req);
    res.json(await act(call, () => call.notAnswered('busy')));
  });
  router.post('/simulator/calls/:sid/ring-out', async (req, res) => {
    const call = callOf(req);
    res.json(await act(call, () => call.notAnswered('no-answer')));
  });
  router.post('/simulator/calls/:sid/press', async (req, res) => {
    const call = callOf(req);
    const { digits } = body(req, pressSchema);
    res.json(await act(call, () => call.press(digits)));
  });
  router.post('/simulator/calls/:sid/say', async (req, res) => {
    const call = callOf(req);
    const { words } = body(req, saySchema);
    res.json(await act(call, () => call.say(words)));
  });
  router.post('/simulator/calls/:sid/silence', async (req, res) => {
    const call = callOf(req);
    res.json(await act(call, () => call.silence()));
  });
  router.post('/simulator/calls/:sid/message', async (req, res) => {
    const call = callOf(req);
    const { seconds, words } = body(req, messageSchema);
    res.json(await act(call, () => simulator().leaveMessage(call, seconds ?? secondsToSay(words!), words)));
  });
  router.post('/simulator/calls/:sid/hangup', async (req, res) => {
    const call = callOf(req);
    res.json(await act(call, () => call.hangUp()));
  });
  // The browser phone rings a patient (back): what the Voice SDK's `connect` does with Twilio.
  router.post('/simulator/ring-out', async (req, res) => {
    const { to, callBackId } = body(req, ringOutSchema);
    const sim = simulator();
    if (browserAnswering(ctx) !== 'simulated')
      throw new Conflict('simulator_not_twilio', 'The browser phone rings out through Twilio here, not the simulator');
    const clinicId = req.membership!.clinicId;
    const params: Record<string, string> = { To: to, clinicId, ...(callBackId ? { callBackId } : {}) };
    const appSid = ctx.config.twilio.twimlAppSid ?? 'AP' + '0'.repeat(32);
    const call = await sim.ringOut(clinicId, staffIdentity(req.session!.user.id), to, params, appSid);
    // Refused (a number the clinic does not know, a closed call-back): the line said so and hung up.
    if (call.state === 'ended')
      throw new Conflict('not_placed', 'This call cannot be placed: ring a number of a patient or a caller');
    res.status(201).json(view(call));
  });
  // The other end: the receptionist the call was put through to hangs up in the dashboard's simulated phone.
  router.post('/simulator/calls/:sid/reception-hangup', async (req, res) => {
    const call = callOf(req);
    res.json(await act(call, () => call.receptionHangsUp()));
  });
  return router;
}
