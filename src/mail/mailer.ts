// Email at the edge: one SMTP server (SMTP_URL) through nodemailer. Callers hand in a
// composed message (./letter.ts); a failure comes back as MailNotSent, whose message
// never carries the SMTP password, and names the recipient's address only masked, so it
// can go into a job's last error and the logs.
import nodemailer from 'nodemailer';

/** What the configuration's SMTP_URL and MAIL_FROM say (src/core/config.ts reads them). */
export interface SmtpSettings {
  smtpUrl: string;
  from: string;
}

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Resolves once the SMTP server has taken the message; rejects with MailNotSent. */
  send(email: Email): Promise<void>;
}

/** The SMTP server did not take the message; the message is safe to log. */
export class MailNotSent extends Error {}

// A job's lease is 60 s by default: a send gives up well before another instance could take the job over.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function createMailer(config: SmtpSettings): Mailer {
  const secrets = secretsOf(config.smtpUrl);
  let transport: ReturnType<typeof nodemailer.createTransport>;
  try {
    transport = nodemailer.createTransport({ url: config.smtpUrl, ...TIMEOUTS });
  } catch (err) {
    // A URL's parse error carries the URL itself (its `input`): only the words go on.
    throw new MailNotSent(`SMTP_URL: ${safeMessage((err as Error).message, secrets)}`);
  }
  return {
    async send(email) {
      try {
        await transport.sendMail({ from: config.from, ...email });
      } catch (err) {
        // A new error, not the library's: its other fields (the SMTP command, the server's reply) are not logged.
        throw new MailNotSent(`SMTP: ${safeMessage(err instanceof Error ? err.message : String(err), secrets)}`);
      }
    },
  };
}

/** The password as written in the URL and as decoded: either could appear in a message. */
function secretsOf(smtpUrl: string): string[] {
  const { password } = new URL(smtpUrl);
  return password ? [...new Set([password, decodeURIComponent(password)])] : [];
}

const EMAIL = /([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)/g;

/** "s•••@clinic.test": enough to tell which address a server refused, not enough to read it. */
export const maskEmails = (text: string): string => text.replace(EMAIL, '$1•••@$2');

export function safeMessage(message: string, secrets: string[]): string {
  let safe = message;
  for (const secret of secrets) safe = safe.split(secret).join('[redacted]');
  return maskEmails(safe);
}
