// What the service emails people about their accounts: an owner's invitation, and a
// one-time link to set a password (a new account, the operator's reset, or one asked for
// from the sign-in page). Pure: the facts come in, the words go out, dates in the clinic's
// own way and time zone (src/contracts/dates.ts), as the dashboard writes them.
import { type ClinicTime, dayAndTime } from '../contracts/dates.js';
import type { Role } from '../generated/prisma/enums.js';
import type { Email } from '../mail/mailer.js';
import { writeLetter } from '../mail/letter.js';

export interface ClinicFacts extends ClinicTime {
  name: string;
}

/** "Mon 14 Dec 2026, 09:00 (Europe/London time)": when a link stops working, where the reader's clinic is. */
const until = (when: Date, clinic: ClinicTime) => `${dayAndTime(when, clinic)} (${clinic.timeZone} time)`;

const hello = (name: string | null) => (name ? `Hello ${name},` : 'Hello,');

const ROLE_WORDS: Record<Role, string> = { owner: 'an owner', receptionist: 'a receptionist' };

export function invitationEmail(facts: {
  to: string;
  name: string | null;
  invitedBy: string | null;
  clinic: ClinicFacts;
  role: Role;
  link: string;
  expiresAt: Date;
}): Email {
  const { clinic } = facts;
  return writeLetter({
    to: facts.to,
    subject: `You are invited to join ${clinic.name}'s phone line`,
    greeting: hello(facts.name),
    paragraphs: [
      `${facts.invitedBy ?? 'An owner'} invited you to join ${clinic.name} as ${ROLE_WORDS[facts.role]} on its phone line's dashboard, where the clinic's calls, diary and patients are.`,
      'Open the link to accept. If you are new here, you choose a password; if you already have an account, you sign in with it.',
    ],
    action: { label: 'Accept the invitation', url: facts.link },
    after: [
      `The link works once, until ${until(facts.expiresAt, clinic)}.`,
      'If you did not expect this, ignore this email: nothing happens unless the link is used.',
    ],
  });
}

/** Why a set-password link is sent: a new account, the operator's reset, or asked for on the sign-in page. */
export type PasswordLinkReason = 'welcome' | 'reset' | 'asked';

/** "Riverside Dental's phone line", or every clinic the person belongs to. */
function whose(clinics: ClinicFacts[]): string {
  const names = clinics.map((c) => c.name);
  if (names.length === 0) return 'the clinic phone line';
  if (names.length === 1) return `${names[0]}'s phone line`;
  return `the phone line of ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export function passwordLinkEmail(facts: {
  to: string;
  name: string | null;
  /** The clinics the person belongs to; the first one's time zone dates the link. */
  clinics: ClinicFacts[];
  reason: PasswordLinkReason;
  link: string;
  expiresAt: Date;
}): Email {
  const service = whose(facts.clinics);
  const time: ClinicTime = facts.clinics[0] ?? { timeZone: 'UTC', locale: 'en-GB' };
  const intro: Record<PasswordLinkReason, string> = {
    welcome: `You have an account on ${service} (${facts.to}). Choose a password to sign in.`,
    reset: `The service's operator sent you a link to choose a new password for your account on ${service} (${facts.to}). Your current password keeps working until you use it.`,
    asked: `Someone, we hope you, asked for a link to choose a new password for your account on ${service} (${facts.to}). Your current password keeps working until you use it.`,
  };
  return writeLetter({
    to: facts.to,
    subject: facts.reason === 'welcome' ? `Set your password for ${service}` : `A new password for ${service}`,
    greeting: hello(facts.name),
    paragraphs: [intro[facts.reason]],
    action: { label: 'Choose your password', url: facts.link },
    after: [
      `The link works once, until ${until(facts.expiresAt, time)}.`,
      facts.reason === 'welcome'
        ? 'If you did not expect this, ignore this email: nobody can sign in as you without the link.'
        : 'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
  });
}
