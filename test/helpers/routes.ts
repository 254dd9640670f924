// Every route the service declares, read from its route files, with the prefix each
// router is mounted at — so tests that must cover "every route" cover new ones too.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STEPS } from '../../src/voice/steps.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
export interface DeclaredRoute {
  method: Method;
  /** The full path, with :params. */
  path: string;
  ownerOnly: boolean;
  router: string;
}

// Where src/app.ts mounts each router; any other router lives under a clinic.
const MOUNTS: Record<string, string> = {
  accountRoutes: '/api',
  staffRoutes: '/api',
  twilioRoutes: '/twilio',
  publicFeedRoutes: '/ical',
};
const CLINIC = '/api/clinics/:clinicId';

export function declaredRoutes(): DeclaredRoute[] {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.startsWith('generated'),
  );
  const routes: DeclaredRoute[] = [];
  for (const file of files) {
    const text = readFileSync(path.join('src', file), 'utf8');
    // Split the file into its router-building functions.
    const parts = text.split(/export function (\w+)\(/);
    for (let i = 1; i < parts.length; i += 2) {
      const router = parts[i]!;
      const prefix = MOUNTS[router] ?? CLINIC;
      for (const m of parts[i + 1]!.matchAll(/router\.(get|post|patch|put|delete)\(\s*'([^']*)'(,\s*requireOwner)?/g)) {
        const local = m[2]!;
        routes.push({
          method: m[1] as Method,
          path: local === '/' ? prefix : prefix + local,
          ownerOnly: Boolean(m[3]),
          router,
        });
      }
    }
  }
  // The phone line's steps are registered from their map (src/voice/steps.ts), one route each.
  for (const step of Object.keys(STEPS))
    routes.push({ method: 'post', path: `/twilio/${step}`, ownerOnly: false, router: 'twilioRoutes' });
  return routes;
}
