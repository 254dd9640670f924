import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../core/audit.js';
import type { AppContext } from '../main/context.js';
import { HttpError, parseInput } from '../http/errors.js';
import { cookieJar, csrfTokenFor } from '../http/auth.js';
import { passwordSchema, verifyPassword } from '../accounts/passwords.js';
import { clearAttempts } from '../accounts/rate-limit.js';
import { LINKS_PER_ADDRESS, signInLimits, takeAttempt } from '../accounts/throttle.js';
import { setPresence } from '../reception/presence.js';
import { endSession, startSession } from '../accounts/sessions.js';
import { acceptInvitation, inspectInvitation } from '../accounts/invitations.js';
import { emailSchema, inspectPasswordLink, usePasswordLink } from '../accounts/staff.js';

const signInSchema = z.object({ email: emailSchema, password: z.string({ error: 'is required' }).min(1, 'is required').max(200) });
const linkSchema = z.object({ token: z.string({ error: 'is required' }).min(20, 'is not a link token').max(100) });

export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  const jar = cookieJar(ctx);
  const prisma = ctx.db.prisma;

  /** What the dashboard needs to start: who is signed in, their clinics and roles, and the CSRF token. */
  async function sessionBody(req: Request, res: Response) {
    const csrfToken = csrfTokenFor(ctx, req, res);
    if (!req.session) return { user: null, clinics: [], csrfToken };
    const memberships = await prisma.membership.findMany({
      where: { userId: req.session.user.id },
      select: { role: true, clinic: { select: { id: true, name: true, timeZone: true, locale: true } } },
      orderBy: { clinic: { name: 'asc' } },
    });
    return { user: req.session.user, clinics: memberships.map((m) => ({ ...m.clinic, role: m.role })), csrfToken };
  }

  async function signIn(req: Request, res: Response, userId: string) {
    if (req.session) await endSession(prisma, req.session.tokenHash);
    const { token, tokenHash } = await startSession(prisma, userId, ctx.clock());
    jar.setSession(res, token);
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true } });
    req.session = { tokenHash, user };
  }

  router.get('/session', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await sessionBody(req, res));
  });

  router.post('/session', async (req, res) => {
    const { email, password } = parseInput(signInSchema, req.body);
    const user = await prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
    const trusted = user !== null && jar.trustedUsers(req).includes(user.id);
    const attempt = await takeAttempt(prisma, signInLimits(email, req.ip ?? 'unknown', trusted), ctx.clock(), 'sign-in attempts');
    // One answer for unknown email and wrong password, so the form reveals neither.
    if (!(await verifyPassword(user?.passwordHash, password)) || !user) {
      throw new HttpError(401, 'invalid_credentials', 'Email or password is incorrect.');
    }
    await attempt.refund();
    // Their own slips from here are forgiven; failures from elsewhere still count.
    await clearAttempts(prisma, attempt.keys[1]!);
    await signIn(req, res, user.id);
    jar.rememberDevice(req, res, user.id);
    await recordAudit(prisma, { actor: { type: 'user', userId: user.id }, action: 'session.signed_in' });
    res.json(await sessionBody(req, res));
  });

  router.delete('/session', async (req, res) => {
    if (req.session) {
      await endSession(prisma, req.session.tokenHash);
      ctx.events.accessChanged({ kind: 'session_ended', tokenHash: req.session.tokenHash });
      // Nobody should be put through to a browser that has signed out.
      await setPresence(prisma, req.session.user.id, false, ctx.clock());
    }
    req.session = undefined;
    jar.clearSession(res);
    jar.renewAnonymous(req, res);
    res.json(await sessionBody(req, res));
  });

  // A link token is 256 random bits: no guessing it. These limits stop an address from
  // making the server look up (and, for use, hash a password for) link after bogus link.
  const linkAttempt = async (req: Request, work: () => Promise<void>) => {
    const attempt = await takeAttempt(prisma, [[`links:address:${req.ip ?? 'unknown'}`, LINKS_PER_ADDRESS]], ctx.clock(), 'tries with links that do not work');
    try {
      await work();
    } catch (err) {
      if (!(err instanceof HttpError && (err.status === 404 || err.status === 410))) await attempt.refund();
      throw err;
    }
    await attempt.refund();
  };

  router.post('/password-links/inspect', async (req, res) => {
    const { token } = parseInput(linkSchema, req.body);
    await linkAttempt(req, async () => void res.json(await inspectPasswordLink(prisma, token, ctx.clock())));
  });

  /** Sets the password through a one-time link and signs the person in. */
  router.post('/password-links/use', async (req, res) => {
    const { token, password } = parseInput(linkSchema.extend({ password: passwordSchema }), req.body);
    await linkAttempt(req, async () => {
      const { userId } = await usePasswordLink(prisma, token, password, ctx.clock());
      await signIn(req, res, userId);
      res.json(await sessionBody(req, res));
    });
  });

  // An invitation to a clinic (src/accounts/invitations.ts): its page shows what it is for, then the
  // invitee accepts, signed in as the invited email or by choosing a password for a new account.
  router.post('/invitations/inspect', async (req, res) => {
    const { token } = parseInput(linkSchema, req.body);
    await linkAttempt(req, async () => void res.json(await inspectInvitation(prisma, token, ctx.clock())));
  });
  router.post('/invitations/accept', async (req, res) => {
    const { token, password } = parseInput(linkSchema.extend({ password: passwordSchema.optional() }), req.body);
    await linkAttempt(req, async () => {
      const accepted = await acceptInvitation(prisma, token, { signedInAs: req.session?.user ?? null, password }, ctx.clock());
      if (accepted.newAccount) await signIn(req, res, accepted.userId);
      res.json({ ...(await sessionBody(req, res)), joined: accepted.clinicId });
    });
  });

  return router;
}
