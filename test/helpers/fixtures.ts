import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { addStaff } from '../../src/accounts/staff.js';
import { createClinic } from '../../src/clinics/clinics.js';
import type { Prisma } from '../../src/db/database.js';

let numberSeq = 0;
/** The next number in Ofcom's drama range (+44 1632 960000–960999): real-looking, never anyone's. */
export const dramaNumber = () => `+441632960${String(100 + (numberSeq++ % 900)).padStart(3, '0')}`;

export async function makeClinic(
  prisma: Prisma,
  overrides: Partial<{
    name: string;
    numbers: string[];
    timeZone: string;
    locale: string;
    fallbackNumber: string | null;
  }> = {},
) {
  return createClinic(
    prisma,
    { name: 'Riverside Dental', numbers: [dramaNumber()], timeZone: 'Europe/London', locale: 'en-GB', ...overrides },
    { type: 'system' },
  );
}

export interface StaffLogin {
  userId: string;
  email: string;
  password: string;
}

export async function makeStaff(
  prisma: Prisma,
  clinicId: string,
  role: 'owner' | 'receptionist',
  email = `${role}-${randomBytes(4).toString('hex')}@clinic.test`,
): Promise<StaffLogin> {
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const { userId } = await addStaff(prisma, { clinicId, email, role, password }, { type: 'system' });
  return { userId, email, password };
}

/** A browser-like client: keeps cookies and sends the CSRF token the way the dashboard does. */
export function browserAgent(app: Express) {
  const agent = request.agent(app);
  let csrf = '';
  const remember = (res: request.Response) => {
    if (typeof res.body?.csrfToken === 'string') csrf = res.body.csrfToken;
    return res;
  };
  return {
    agent,
    get csrf() {
      return csrf;
    },
    get: (path: string) => agent.get(path).then(remember),
    send: (method: 'post' | 'patch' | 'delete' | 'put', path: string, body?: object) =>
      agent[method](path).set('X-CSRF-Token', csrf).send(body).then(remember),
    async signIn(login: { email: string; password: string }) {
      await agent.get('/api/session').then(remember);
      return agent
        .post('/api/session')
        .set('X-CSRF-Token', csrf)
        .send({ email: login.email, password: login.password })
        .then(remember);
    },
  };
}

/** A request whose answer (audio, a zip) is read as bytes into `res.body`. */
export const asBytes = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
