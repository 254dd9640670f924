// The words of the emails about accounts, without a server: who, which clinic, the link,
// when it stops working in the clinic's own time, and what to do if it was not expected.
import { invitationEmail, passwordLinkEmail } from '../../src/accounts/emails.js';

const riverside = { name: 'Riverside Dental', timeZone: 'Europe/London', locale: 'en-GB' };
const brooklyn = { name: 'Brooklyn <Smiles> & Co', timeZone: 'America/New_York', locale: 'en-US' };
const link = 'https://phone.example.com/set-password#token=abc';
/** Sam's link, asked for on the sign-in page, unless said otherwise. */
const linkEmail = (facts: Partial<Parameters<typeof passwordLinkEmail>[0]>) =>
  passwordLinkEmail({
    to: 'sam@clinic.test',
    name: null,
    clinics: [riverside],
    reason: 'asked',
    link,
    expiresAt: new Date('2026-07-01T12:30:00Z'),
    ...facts,
  });

describe('Emails about accounts', () => {
  it('an invitation names the clinic, the role, who invited, the link and when it ends in the clinic time', () => {
    const email = invitationEmail({
      to: 'sam@clinic.test',
      name: 'Sam Lee',
      invitedBy: 'Alex Khan',
      clinic: riverside,
      role: 'receptionist',
      link: 'https://phone.example.com/invitation#token=xyz',
      expiresAt: new Date('2026-12-14T09:00:00Z'),
    });
    expect(email.to).toBe('sam@clinic.test');
    expect(email.subject).toBe("You are invited to join Riverside Dental's phone line");
    expect(email.text).toContain('Hello Sam Lee,');
    expect(email.text).toContain('Alex Khan invited you to join Riverside Dental as a receptionist');
    expect(email.text).toContain('Accept the invitation:\nhttps://phone.example.com/invitation#token=xyz\n');
    expect(email.text).toContain('The link works once, until Mon, 14 Dec 2026, 09:00 (Europe/London time).');
    expect(email.text).toContain('If you did not expect this, ignore this email');
    expect(email.html).toContain('<a href="https://phone.example.com/invitation#token=xyz">Accept the invitation</a>');
  });

  it('a link asked for on the sign-in page says the old password still works and to ignore it if not asked', () => {
    const email = linkEmail({});
    expect(email.subject).toBe("A new password for Riverside Dental's phone line");
    expect(email.text).toMatch(/^Hello,\n/);
    expect(email.text).toContain('Your current password keeps working until you use it.');
    expect(email.text).toContain(`Choose your password:\n${link}\n`);
    // British summer time: 13:30 in London.
    expect(email.text).toContain('until Wed, 1 Jul 2026, 13:30 (Europe/London time).');
    expect(email.text).toContain('If you did not ask for this, ignore this email: your password stays as it is.');
  });

  it("a person in several clinics reads all their names, dated in the first one's way; HTML is escaped", () => {
    const email = linkEmail({
      name: 'Pat <O’Neil>',
      clinics: [brooklyn, riverside],
      reason: 'welcome',
      expiresAt: new Date('2026-12-10T19:05:00Z'),
    });
    expect(email.subject).toBe('Set your password for the phone line of Brooklyn <Smiles> & Co and Riverside Dental');
    expect(email.text).toContain('until Thu, Dec 10, 2026, 2:05 PM (America/New_York time)');
    expect(email.html).toContain('Hello Pat &lt;O’Neil&gt;,');
    expect(email.html).toContain('Brooklyn &lt;Smiles&gt; &amp; Co');
    expect(email.html).not.toContain('<Smiles>');
  });

  it('someone in no clinic any more is still told what the link is for', () => {
    const email = linkEmail({ to: 'left@clinic.test', clinics: [], reason: 'reset' });
    expect(email.text).toContain("The service's operator sent you a link to choose a new password");
    expect(email.text).toContain('on the clinic phone line (left@clinic.test)');
    expect(email.text).toContain('(UTC time)');
  });
});
