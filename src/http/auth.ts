import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../main/context.js';
import { findSession, SESSION_MAX_MS } from '../accounts/sessions.js';
import { hmac, newToken, safeEqual } from '../core/tokens.js';
import { NotFound, NotAllowed, NotSignedIn } from '../core/errors.js';

/** Cookie names and flags; `__Host-` names (Secure, whole site) in production. */
export function cookieJar(ctx: AppContext) {
  const prefix = ctx.config.production ? '__Host-' : '';
  const base: CookieOptions = {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.production,
    path: '/',
    signed: true,
  };
  return {
    session: `${prefix}sid`,
    anonymous: `${prefix}anon`,
    setSession: (res: Response, token: string) =>
      res.cookie(`${prefix}sid`, token, { ...base, maxAge: SESSION_MAX_MS }),
    clearSession: (res: Response) => res.clearCookie(`${prefix}sid`, { ...base, maxAge: undefined }),
    /** The people who have signed in on this browser before (a signed cookie): their sign-ins skip the account-wide throttle. */
    trustedUsers: (req: Request): string[] => {
      const value = req.signedCookies?.[`${prefix}device`];
      return typeof value === 'string' ? value.split('.').filter((id) => /^[0-9a-f-]{36}$/.test(id)) : [];
    },
    rememberDevice: (req: Request, res: Response, userId: string) => {
      const known = cookieJar(ctx)
        .trustedUsers(req)
        .filter((id) => id !== userId);
      // 400 days: the longest a browser keeps a cookie.
      res.cookie(`${prefix}device`, [userId, ...known].slice(0, 5).join('.'), {
        ...base,
        maxAge: 400 * 24 * 60 * 60 * 1000,
      });
    },
    /** A fresh anonymous id binds the CSRF token of a visitor who is not signed in. */
    renewAnonymous: (req: Request, res: Response) => {
      const id = newToken();
      res.cookie(`${prefix}anon`, id, { ...base, maxAge: 24 * 60 * 60 * 1000 });
      req.signedCookies[`${prefix}anon`] = id;
      return id;
    },
  };
}

export function loadSession(ctx: AppContext): RequestHandler {
  const jar = cookieJar(ctx);
  return async (req, _res, next) => {
    const token = req.signedCookies?.[jar.session];
    if (typeof token === 'string') req.session = (await findSession(ctx.db.prisma, token, ctx.clock())) ?? undefined;
    next();
  };
}

/**
 * The CSRF token is an HMAC of what the request is bound to: the session when
 * signed in, otherwise an anonymous cookie. A new session means a new token.
 */
function boundCsrfToken(ctx: AppContext, req: Request): string | undefined {
  if (req.session) return hmac(ctx.config.sessionSecret, `csrf:session:${req.session.tokenHash}`);
  const anon = req.signedCookies?.[cookieJar(ctx).anonymous];
  return typeof anon === 'string' ? hmac(ctx.config.sessionSecret, `csrf:anon:${anon}`) : undefined;
}

/** The token to hand to the page, giving an anonymous visitor their cookie first. */
export function csrfTokenFor(ctx: AppContext, req: Request, res: Response): string {
  if (!boundCsrfToken(ctx, req)) cookieJar(ctx).renewAnonymous(req, res);
  return boundCsrfToken(ctx, req)!;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireCsrfToken(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const expected = boundCsrfToken(ctx, req);
    if (!expected || !safeEqual(req.get('X-CSRF-Token') ?? '', expected)) {
      return next(
        new NotAllowed('csrf', 'Missing or stale X-CSRF-Token header: fetch GET /api/session for a fresh token.'),
      );
    }
    next();
  };
}

export const requireSignedIn: RequestHandler = (req, _res, next) => {
  next(req.session ? undefined : new NotSignedIn('unauthenticated', 'Sign in first.'));
};

const clinicIdSchema = z.uuid();

/** The signed-in person, as audit entries and the diary engine name who did something. */
export const actorOf = (req: Request) => ({ type: 'user' as const, userId: req.session!.user.id });

/** Scopes a request to `:clinicId`: a user who is not a member gets 404, as if the clinic did not exist. */
export function requireClinicMember(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    if (!req.session) return next(new NotSignedIn('unauthenticated', 'Sign in first.'));
    const clinicId = String(req.params.clinicId);
    if (!clinicIdSchema.safeParse(clinicId).success) return next(new NotFound('No such clinic'));
    const membership = await ctx.db.prisma.membership.findUnique({
      where: { userId_clinicId: { userId: req.session.user.id, clinicId } },
      select: { clinicId: true, role: true },
    });
    if (!membership) return next(new NotFound('No such clinic'));
    req.membership = membership;
    next();
  };
}

export const requireOwner: RequestHandler = (req, _res, next) => {
  next(
    req.membership?.role === 'owner' ? undefined : new NotAllowed('forbidden', "Only the clinic's owners can do this."),
  );
};
