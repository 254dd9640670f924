import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requireOwner } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import { nextPurgeAt } from '../recordings/retention-rules.js';
import {
  auditListening,
  type Listener,
  recordingAudio,
  recordingTranscript,
  setLegalHold,
} from '../recordings/listening.js';
import { body, ids } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { RecordingTranscript, RetentionPanel } from '../contracts/api.js';

const holdSchema = z.strictObject({
  reason: z
    .string({ error: 'is required' })
    .trim()
    .min(3, 'must say why (at least 3 characters)')
    .max(500, 'must be at most 500 characters'),
});

/** /api/clinics/:clinicId/recordings/:recordingId/audio (with Range, so players can seek), …/transcript and …/hold (owners). */
export function recordingRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const listener = (req: Request): Listener => ({
    clinicId: req.membership!.clinicId,
    role: req.membership!.role as Listener['role'],
    actor: actorOf(req),
  });
  const idOf = (req: Request) => ids(req, { recordingId: 'recording' }).recordingId;

  router.get('/recordings/:recordingId/audio', async (req, res) => {
    const id = idOf(req);
    const who = listener(req);
    const { audio } = await recordingAudio(
      { prisma: ctx.db.prisma, storage: ctx.recordings, masterKey: ctx.config.recordingsKey },
      who,
      id,
    );
    const download = req.query.download === '1';
    const ranges = req.range(audio.length);
    res
      .set({
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'private, no-store',
        'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename="recording-${id}.mp3"`,
      })
      .type('audio/mpeg');
    if (ranges === -1) {
      res.status(416).set('Content-Range', `bytes */${audio.length}`).end();
      return;
    }
    const range = Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1 ? ranges[0]! : null;
    await auditListening(ctx.db.prisma, who, id, download ? 'recording.downloaded' : 'recording.listened');
    if (!range) {
      res.send(audio);
      return;
    }
    res
      .status(206)
      .set('Content-Range', `bytes ${range.start}-${range.end}/${audio.length}`)
      .send(audio.subarray(range.start, range.end + 1));
  });

  // A voicemail's transcript, beside its player: for whoever may hear it, the text audited as a listen is.
  router.get('/recordings/:recordingId/transcript', async (req, res) => {
    const id = idOf(req);
    const transcript = await recordingTranscript(
      { prisma: ctx.db.prisma, masterKey: ctx.config.recordingsKey },
      listener(req),
      id,
    );
    res
      .set('Cache-Control', 'private, no-store')
      .json({ recordingId: id, ...transcript } satisfies RecordingTranscript);
  });

  // The owner's retention panel: the periods (changed through the clinic's settings), the next run and the last one's counts.
  router.get('/retention', requireOwner, async (req, res) => {
    const clinicId = req.membership!.clinicId;
    const [periods, last] = await Promise.all([
      ctx.db.prisma.clinic.findUniqueOrThrow({
        where: { id: clinicId },
        select: {
          recordingRetentionDays: true,
          voicemailRetentionDays: true,
          callLogRetentionDays: true,
          auditRetentionDays: true,
          receptionistsHearRecordings: true,
          transcribeVoicemails: true,
        },
      }),
      ctx.db.prisma.auditEntry.findFirst({
        where: { clinicId, action: 'retention.purged' },
        orderBy: { at: 'desc' },
        select: { at: true, details: true },
      }),
    ]);
    res.json(
      wire({
        ...periods,
        nextRunAt: nextPurgeAt(ctx.clock()),
        lastRun: last ? { at: last.at, counts: last.details } : null,
      }) satisfies RetentionPanel,
    );
  });

  router.post('/recordings/:recordingId/hold', requireOwner, async (req, res) => {
    const id = idOf(req);
    const { reason } = body(req, holdSchema);
    res.json(await setLegalHold(ctx.db.prisma, listener(req), id, { reason }, ctx.clock()));
  });
  router.delete('/recordings/:recordingId/hold', requireOwner, async (req, res) => {
    res.json(await setLegalHold(ctx.db.prisma, listener(req), idOf(req), null, ctx.clock()));
  });
  return router;
}
