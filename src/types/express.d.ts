import type { ActiveSession } from '../accounts/sessions.js';
import type { Role } from '../generated/prisma/enums.js';
import type { Logger } from '../core/logger.js';

declare global {
  namespace Express {
    interface Request {
      /** The request's id, answered as X-Request-Id (src/http/request-log.ts). */
      id: string;
      /** A logger whose lines name this request. */
      log: Logger;
      /** The signed-in staff member's session, set by loadSession. */
      session?: ActiveSession;
      /** The request's clinic and the user's role there, set by requireClinicMember. */
      membership?: { clinicId: string; role: Role };
    }
  }
}

export {};
