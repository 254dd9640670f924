// The reception API: presence and the voice token (per person), the queue,
// answering and the call-back list (per clinic).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requireSignedIn } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import { answerCaller, voiceToken } from '../reception/answering.js';
import { DESK_CLOSE_REASONS, listCallBacks, markCalledBack } from '../reception/call-backs.js';
import { assignCallBack, DESK_TRY_RESULTS, logCallBackTry } from '../reception/call-back-desk.js';
import { callerCard, noteCall } from '../reception/caller-card.js';
import { changePresence, isAvailable } from '../reception/presence.js';
import { listQueue } from '../reception/queue-list.js';
import { body, ids, query } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { CallBackList, CallerCard, CallNote, Presence, QueueList, VoiceToken } from '../contracts/api.js';

const presenceSchema = z.strictObject({ available: z.boolean({ error: 'must be true or false' }) });

/** Under /api: things about the signed-in person, whichever clinic. */
export function staffRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/presence', requireSignedIn, async (req, res) => {
    res.json(
      wire({ available: await isAvailable(ctx.db.prisma, req.session!.user.id, ctx.clock()) }) satisfies Presence,
    );
  });
  router.put('/presence', requireSignedIn, async (req, res) => {
    const { available } = body(req, presenceSchema);
    const user = req.session!.user;
    await changePresence(ctx, user, available);
    res.json(wire({ available }) satisfies Presence);
  });
  router.get('/voice/token', requireSignedIn, (req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .json(wire(voiceToken(ctx, req.session!.user.id, ctx.clock())) satisfies VoiceToken);
  });
  return router;
}

/** Under /api/clinics/:clinicId (membership already checked). */
export function receptionRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  router.get('/queue', async (req, res) => {
    res.json(wire(await listQueue(ctx.db.prisma, req.membership!.clinicId, ctx.clock())) satisfies QueueList);
  });
  router.post('/calls/:callId/answer', async (req, res) => {
    const { callId } = ids(req, { callId: 'call' });
    res.json(await answerCaller(ctx, { clinicId: req.membership!.clinicId, callId, user: req.session!.user }));
  });
  router.get('/calls/:callId/card', async (req, res) => {
    const { callId } = ids(req, { callId: 'call' });
    res
      .set('Cache-Control', 'no-store')
      .json(wire(await callerCard(ctx.db.prisma, req.membership!.clinicId, callId, ctx.clock())) satisfies CallerCard);
  });
  router.put('/calls/:callId/note', async (req, res) => {
    const { callId } = ids(req, { callId: 'call' });
    const { note } = body(
      req,
      z.strictObject({
        note: z.string({ error: 'must be text' }).trim().max(1000, 'must be at most 1,000 characters'),
      }),
    );
    const who = { clinicId: req.membership!.clinicId, actor: actorOf(req), now: ctx.clock() };
    res.json(wire(await noteCall(ctx.db.prisma, who, callId, note)) satisfies CallNote);
  });
  router.get('/call-backs', async (req, res) => {
    const { status } = query(
      req,
      z.object({ status: z.enum(['open', 'done'], { error: 'must be open or done' }).default('open') }),
    );
    res.json(
      wire({
        callBacks: await listCallBacks(ctx.db.prisma, req.membership!.clinicId, status === 'open'),
      }) satisfies CallBackList,
    );
  });
  router.post('/call-backs/:callBackId/done', async (req, res) => {
    const { callBackId: id } = ids(req, { callBackId: 'call-back' });
    const { reason } = body(
      req,
      z.strictObject({
        reason: z.enum(DESK_CLOSE_REASONS, { error: `must be one of ${DESK_CLOSE_REASONS.join(', ')}` }).optional(),
      }),
    );
    const entry = await markCalledBack(ctx, req.membership!.clinicId, id, req.session!.user.id, reason);
    res.json({ id: entry.id, doneAt: entry.doneAt, doneBy: entry.doneBy });
  });
  const desk = (req: Request) => ({ clinicId: req.membership!.clinicId, userId: req.session!.user.id });
  router.put('/call-backs/:callBackId/assignee', async (req, res) => {
    const { callBackId: id } = ids(req, { callBackId: 'call-back' });
    const { userId } = body(
      req,
      z.strictObject({ userId: z.uuid({ error: 'must be a staff id or null' }).nullable() }),
    );
    res.json(await assignCallBack(ctx, desk(req), id, userId));
  });
  router.post('/call-backs/:callBackId/attempts', async (req, res) => {
    const { callBackId: id } = ids(req, { callBackId: 'call-back' });
    const input = body(
      req,
      z.strictObject({
        result: z.enum(DESK_TRY_RESULTS, { error: `must be one of ${DESK_TRY_RESULTS.join(', ')}` }),
        note: z.string().trim().max(500, 'must be at most 500 characters').nullable().optional(),
      }),
    );
    res.status(201).json(await logCallBackTry(ctx, desk(req), id, input));
  });
  return router;
}
