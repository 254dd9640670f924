// The mailer against a real SMTP server on 127.0.0.1: a message arrives as composed; a
// server refusing it, a wrong password or no server at all come back as MailNotSent,
// whose message names no password and masks the address.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createMailer, MailNotSent, maskEmails } from '../../src/mail/mailer.js';
import { startSmtpServer, type TestSmtp } from '../helpers/smtp.js';

const email = {
  to: 'sam.lee@clinic.test',
  subject: 'A new password for Riverside Dental’s phone line',
  text: 'Hello Sam,\n\nChoose your password:\nhttps://phone.example.com/set-password#token=abc\n',
  html: '<p>Hello Sam,</p>',
};

/** A port nobody listens on: taken, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Sending email through SMTP_URL', () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.stop());

  it('delivers the message from MAIL_FROM, with its text and HTML', async () => {
    await createMailer({ smtpUrl: smtp.url, from: 'Clinic line <noreply@example.org>' }).send(email);
    const [got] = smtp.to('sam.lee@clinic.test');
    expect(got).toMatchObject({ from: 'Clinic line <noreply@example.org>', subject: email.subject, html: email.html });
    expect(got!.text).toBe(email.text);
    expect(got!.link('https://phone.example.com/set-password#')).toBe(
      'https://phone.example.com/set-password#token=abc',
    );
  });

  it('a refusal, a wrong password and no server are MailNotSent, without the password or the whole address', async () => {
    const from = 'noreply@example.org';
    smtp.refusing = true;
    const refused = await createMailer({ smtpUrl: smtp.url, from })
      .send(email)
      .catch((err: unknown) => err);
    smtp.refusing = false;
    const wrongPassword = `smtp://${smtp.user}:not-${encodeURIComponent(smtp.password)}@127.0.0.1:${new URL(smtp.url).port}`;
    const badLogin = await createMailer({ smtpUrl: wrongPassword, from })
      .send(email)
      .catch((err: unknown) => err);
    const nobody = await createMailer({
      smtpUrl: `smtp://u:${encodeURIComponent(smtp.password)}@127.0.0.1:${await closedPort()}`,
      from,
    })
      .send(email)
      .catch((err: unknown) => err);
    for (const err of [refused, badLogin, nobody]) {
      expect(err).toBeInstanceOf(MailNotSent);
      const message = (err as Error).message;
      expect(message).toMatch(/^SMTP: /);
      expect(message).not.toContain(smtp.password);
      expect(message).not.toContain(encodeURIComponent(smtp.password));
      expect(message).not.toContain('sam.lee@');
    }
    expect((refused as Error).message).toMatch(/451/);
    expect((nobody as Error).message).toMatch(/ECONNREFUSED/);
    expect(smtp.to('sam.lee@clinic.test')).toHaveLength(1);
  });

  it('masks every address in a message', () => {
    expect(maskEmails('550 <sam.lee@clinic.test>: unknown; also a+b@x.co.uk')).toBe(
      '550 <s•••@clinic.test>: unknown; also a•••@x.co.uk',
    );
  });
});
