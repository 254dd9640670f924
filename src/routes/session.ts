import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../main/context.js';
import { cookieJar, csrfTokenFor, requireSignedIn } from '../http/auth.js';
import { passwordSchema } from '../accounts/passwords.js';
import { signInWithPassword } from '../accounts/sign-in.js';
import { LINKS_PER_ADDRESS, takeAttempt } from '../accounts/throttle.js';
import { setPresence } from '../reception/presence.js';
import { endSession, startSession } from '../accounts/sessions.js';
import { acceptInvitation, inspectInvitation } from '../accounts/invitations.js';
import { emailSchema, inspectPasswordLink, setOwnName, staffNameSchema, usePasswordLink } from '../accounts/staff.js';
import { Gone, NotFound } from '../core/errors.js';
import { body } from '../http/input.js';
import { wire } from '../http/wire.js';
import type {
  InvitationOffer,
  JoinedSession,
  PasswordLinkView,
  PasswordResetAsked,
  SessionInfo,
} from '../contracts/api.js';
import { askForPasswordReset } from '../accounts/password-reset.js';

const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: 'is required' }).min(1, 'is required').max(200),
});
const linkSchema = z.object({ token: z.string({ error: 'is required' }).min(20, 'is not a link token').max(100) });
const profileSchema = z.strictObject({ name: staffNameSchema });

export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  const jar = cookieJar(ctx);
  const prisma = ctx.db.prisma;

  /** What the dashboard needs to start: who is signed in, their clinics and roles, and the CSRF token. */
  async function sessionBody(req: Request, res: Response) {
    const csrfToken = csrfTokenFor(ctx, req, res);
    const sendsEmail = ctx.mailer !== null;
    if (!req.session) return { user: null, clinics: [], csrfToken, sendsEmail };
    const memberships = await prisma.membership.findMany({
      where: { userId: req.session.user.id },
      select: { role: true, clinic: { select: { id: true, name: true, timeZone: true, locale: true } } },
      orderBy: { clinic: { name: 'asc' } },
    });
    return {
      user: req.session.user,
      clinics: memberships.map((m) => ({ ...m.clinic, role: m.role })),
      csrfToken,
      sendsEmail,
    };
  }

  /** This browser now holds `session` (its cookie), in place of any it held. */
  async function adopt(
    req: Request,
    res: Response,
    { userId, token, tokenHash }: { userId: string; token: string; tokenHash: string },
  ) {
    if (req.session) await endSession(prisma, req.session.tokenHash);
    jar.setSession(res, token);
    const user = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, email: true, name: true },
    });
    req.session = { tokenHash, user };
  }

  /** A new session for someone who just proved who they are another way (a link they hold). */
  const signInAs = async (req: Request, res: Response, userId: string) =>
    adopt(req, res, { userId, ...(await startSession(prisma, userId, ctx.clock())) });

  router.get('/session', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(wire(await sessionBody(req, res)) satisfies SessionInfo);
  });

  router.post('/session', async (req, res) => {
    const { email, password } = body(req, signInSchema);
    const session = await signInWithPassword(
      prisma,
      { email, password, address: req.ip ?? 'unknown', knownOnThisBrowser: jar.trustedUsers(req) },
      ctx.clock(),
    );
    await adopt(req, res, session);
    jar.rememberDevice(req, res, session.userId);
    res.json(wire(await sessionBody(req, res)) satisfies SessionInfo);
  });

  /** The signed-in person's own name, as colleagues see it. */
  router.patch('/session/profile', requireSignedIn, async (req, res) => {
    const { name } = body(req, profileSchema);
    await setOwnName(prisma, req.session!.user.id, name);
    req.session!.user = { ...req.session!.user, name };
    res.json(wire(await sessionBody(req, res)) satisfies SessionInfo);
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
    res.json(wire(await sessionBody(req, res)) satisfies SessionInfo);
  });

  /**
   * "Forgot your password?": a one-time set-password link emailed to an address with an account.
   * Answered the same, 202, for any address (src/accounts/password-reset.ts).
   */
  router.post('/session/forgot-password', async (req, res) => {
    if (!ctx.mailer)
      throw new NotFound(
        "This service does not send email, so it cannot send you a link. Ask your clinic's owner: the service's operator can give you a link to set a new password.",
        undefined,
        'email_off',
      );
    const { email } = body(req, z.strictObject({ email: emailSchema }), { email: 'Email' });
    await askForPasswordReset(prisma, { email, address: req.ip ?? 'unknown' }, ctx.clock());
    res.status(202).json({ accepted: true } satisfies PasswordResetAsked);
  });

  // A link token is 256 random bits: no guessing it. These limits stop an address from
  // making the server look up (and, for use, hash a password for) link after bogus link.
  const linkAttempt = async (req: Request, work: () => Promise<void>) => {
    const attempt = await takeAttempt(
      prisma,
      [[`links:address:${req.ip ?? 'unknown'}`, LINKS_PER_ADDRESS]],
      ctx.clock(),
      'tries with links that do not work',
    );
    try {
      await work();
    } catch (err) {
      if (!(err instanceof NotFound || err instanceof Gone)) await attempt.refund();
      throw err;
    }
    await attempt.refund();
  };

  router.post('/password-links/inspect', async (req, res) => {
    const { token } = body(req, linkSchema);
    await linkAttempt(
      req,
      async () => void res.json(wire(await inspectPasswordLink(prisma, token, ctx.clock())) satisfies PasswordLinkView),
    );
  });

  /** Sets the password through a one-time link and signs the person in. */
  router.post('/password-links/use', async (req, res) => {
    const { token, password, name } = body(
      req,
      linkSchema.extend({ password: passwordSchema, name: staffNameSchema.optional() }),
    );
    await linkAttempt(req, async () => {
      const { userId } = await usePasswordLink(prisma, token, password, ctx.clock(), undefined, name);
      await signInAs(req, res, userId);
      res.json(wire(await sessionBody(req, res)) satisfies SessionInfo);
    });
  });

  // An invitation to a clinic (src/accounts/invitations.ts): its page shows what it is for, then the
  // invitee accepts, signed in as the invited email or by choosing a password for a new account.
  router.post('/invitations/inspect', async (req, res) => {
    const { token } = body(req, linkSchema);
    await linkAttempt(
      req,
      async () => void res.json(wire(await inspectInvitation(prisma, token, ctx.clock())) satisfies InvitationOffer),
    );
  });
  router.post('/invitations/accept', async (req, res) => {
    const { token, password, name } = body(
      req,
      linkSchema.extend({ password: passwordSchema.optional(), name: staffNameSchema.optional() }),
    );
    await linkAttempt(req, async () => {
      const accepted = await acceptInvitation(
        prisma,
        token,
        { signedInAs: req.session?.user ?? null, password, name },
        ctx.clock(),
      );
      if (accepted.newAccount) await signInAs(req, res, accepted.userId);
      else if (name !== undefined) req.session = { ...req.session!, user: { ...req.session!.user, name } };
      res.json(wire({ ...(await sessionBody(req, res)), joined: accepted.clinicId }) satisfies JoinedSession);
    });
  });

  return router;
}
