import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import { refuseNulCharacters } from './http/no-nul.js';
import { requestLogging } from './http/request-log.js';
import { loadSession, requireCsrfToken, requireSignedIn } from './http/auth.js';
import { accountRoutes } from './routes/session.js';
import { staffRoutes } from './routes/reception.js';
import { clinicRoutes } from './routes/clinic.js';
import type { AppContext } from './main/context.js';
import { publicFeedRoutes } from './routes/calendar-feeds.js';
import { apiErrorHandler, apiNotFound } from './http/errors.js';
import { twilioRoutes } from './routes/twilio.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { countRequests, metricsOnPublicPort } from './metrics/http.js';
import { withLogContext } from './core/log-context.js';
import { traceRequests } from './http/tracing.js';

/** The Express app: middleware order and feature routers. No ports, no environment. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.set('trust proxy', ctx.config.trustProxy);
  app.disable('x-powered-by');

  if (ctx.metrics) app.use(countRequests(ctx.metrics));
  app.use(requestLogging(app, ctx.logger, new Set(['/healthz', '/readyz', '/metrics'])));
  // Whatever is logged while answering names the request, through the app's logger too.
  app.use((req, _res, next) => withLogContext({ requestId: String(req.id) }, next));
  // Twilio's webhooks are traced inside their router, in their call's trace.
  if (ctx.config.tracing) app.use(traceRequests({ skip: '/twilio' }));
  // Twilio proves itself with its signature, so /twilio/* is exempt from CSRF and cookies.
  // Mounted before helmet: its headers protect pages in browsers, and TwiML is read by Twilio.
  app.use('/twilio', twilioRoutes(ctx));

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // The Twilio Voice SDK talks to Twilio over HTTPS and WebSockets, and plays audio from blobs.
          connectSrc: ["'self'", 'https://*.twilio.com', 'wss://*.twilio.com'],
          mediaSrc: ["'self'", 'blob:', 'https://*.twilio.com'],
          workerSrc: ["'self'", 'blob:'],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: ctx.config.production ? [] : null,
        },
      },
      strictTransportSecurity: ctx.config.production,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(ctx.db.ping(), 2_000);
      res.json({ status: 'ready', database: ctx.db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', database: ctx.db.kind });
    }
  });
  app.use(metricsOnPublicPort(ctx.config.metrics, ctx.metrics));

  // Calendar apps fetch these with the secret in the URL and nothing else.
  app.use('/ical', publicFeedRoutes(ctx));

  const api = express.Router();
  // Patients' records, call logs, exports: nothing the API answers may be kept by a browser or a proxy.
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use(express.json({ limit: '100kb' }));
  api.use(refuseNulCharacters);
  api.use(cookieParser(ctx.config.sessionSecret));
  api.use(loadSession(ctx));
  api.use(requireCsrfToken(ctx));
  api.use(accountRoutes(ctx));
  api.use(staffRoutes(ctx));
  api.use('/clinics/:clinicId', requireSignedIn, clinicRoutes(ctx));
  api.use(apiNotFound);
  api.use(apiErrorHandler(ctx.logger));
  app.use('/api', api);

  app.use(dashboardRoutes({ sourceMaps: !ctx.config.production }));
  const lastResort: ErrorRequestHandler = (err, req, res, _next) => {
    // express.static reports a missing asset as a 404 error: the client's mistake, not ours.
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      res
        .status(err.status)
        .type('text/plain')
        .send(err.status === 404 ? 'Not found' : 'Bad request');
      return;
    }
    req.log.error({ err }, 'unexpected error');
    res.status(500).type('text/plain').send('Something went wrong on our side.');
  };
  app.use(lastResort);
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
