import type { ActiveSession } from '../accounts/sessions.js';
import type { Role } from '../generated/prisma/enums.js';

declare global {
  namespace Express {
    interface Request {
      /** The signed-in staff member's session, set by loadSession. */
      session?: ActiveSession;
      /** The request's clinic and the user's role there, set by requireClinicMember. */
      membership?: { clinicId: string; role: Role };
    }
  }
}

export {};
