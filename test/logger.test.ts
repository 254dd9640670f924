import { Writable } from 'node:stream';
import { createLogger, maskPhoneNumbers } from '../src/logger.js';

describe('Logs mask phone numbers and hide secrets', () => {
  it('masks E.164 numbers, keeping enough to tell calls apart', () => {
    expect(maskPhoneNumbers('call from +447700900123 to +441632960000')).toBe('call from +44••••••••23 to +44••••••••00');
    expect(maskPhoneNumbers('order 12345 at 10:30')).toBe('order 12345 at 10:30');
  });

  it('masks numbers anywhere in a log line and redacts credentials', () => {
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    logger.info({ call: { From: '+447700900123' }, req: { url: '/x?To=%2B441632960000', headers: { cookie: 'sid=abc', 'x-twilio-signature': 'sig' } } }, 'ringing +12025550123');
    const line = lines.join('');
    expect(line).not.toMatch(/447700900123|12025550123|441632960000|sid=abc|"sig"/);
    expect(line).toContain('+44••••••••23');
    expect(line).toContain('%2B44••••••••00');
    expect(line).toContain('[redacted]');
  });
});
