// The phone line's TwiML writer writes the same bytes as Twilio's VoiceResponse for
// every verb and noun it offers, whatever the text and attributes (escaping, lists,
// flags, numbers, unset values), and refuses what VoiceResponse refuses.
import twilio from 'twilio';
import { TwimlWriter } from '../../src/voice/twiml-writer.js';

type Built = { toString(): string };
/** The same building steps, run against both writers. */
type Script = (r: TwimlWriter) => void;

function both(script: Script): [string, string] {
  const ours = new TwimlWriter();
  script(ours);
  const theirs = new twilio.twiml.VoiceResponse();
  script(theirs as unknown as TwimlWriter);
  return [ours.toString(), (theirs as Built).toString()];
}

const voice = { voice: 'Polly.Amy', language: 'en-GB' } as const;
const awkward = `Dr O'Brien & "Sons" <clinic> \t tab\nnew line\r return — café 😀`;

describe('The TwiML writer', () => {
  const cases: Array<[string, Script]> = [
    ['an empty response', () => undefined],
    ['a greeting', (r) => r.say(voice, 'Thank you for calling Demo Clinic.')],
    ['text to escape', (r) => r.say(voice, awkward)],
    ['empty text', (r) => r.say(voice, '')],
    [
      'a question with hints, its prompt and the redirect after it',
      (r) => {
        const g = r.gather({
          input: ['dtmf', 'speech'],
          numDigits: 1,
          timeout: 6,
          action: 'https://x.test/twilio/menu?call=1&attempt=1',
          method: 'POST',
          speechModel: 'phone_call',
          speechTimeout: '2',
          language: 'en-GB',
          hints: awkward,
        });
        g.say(voice, 'How can I help?');
        r.redirect({ method: 'POST' }, 'https://x.test/twilio/menu?call=1&attempt=1&silence=1');
      },
    ],
    [
      'music while a key may be pressed',
      (r) => {
        const g = r.gather({ input: ['dtmf'], numDigits: 1, timeout: 1, action: 'https://x.test/a', method: 'POST' });
        g.say(voice, 'Press 1.');
        g.play({}, 'https://x.test/music.mp3');
      },
    ],
    ['an empty question', (r) => r.gather({ input: ['dtmf'], action: undefined })],
    [
      'the desk phone with its whisper',
      (r) => {
        r.dial({ timeout: 20, action: 'https://x.test/d', method: 'POST', answerOnBridge: true }).number(
          { url: 'https://x.test/w', method: 'POST' },
          '+441632960555',
        );
        r.hangup();
      },
    ],
    ['a browser', (r) => r.dial({ answerOnBridge: false, timeout: 0 }).client({}, 'staff_abc')],
    ['a plain dial', (r) => r.dial({}, '+441632960000')],
    ['the queue', (r) => r.enqueue({ waitUrl: 'https://x.test/w?a=1&b=2', waitUrlMethod: 'POST' }, 'clinic-1')],
    ['leaving it', (r) => (r.leave(), r.play({}, 'https://x.test/m.mp3'))],
    [
      'voicemail',
      (r) =>
        r.record({
          maxLength: 120,
          playBeep: true,
          timeout: 5,
          finishOnKey: '#',
          action: 'https://x.test/v',
          method: 'POST',
          recordingStatusCallback: 'https://x.test/r?kind=voicemail&transcript=1',
          recordingStatusCallbackMethod: 'POST',
          recordingStatusCallbackEvent: ['completed', 'absent'],
          trim: undefined,
        }),
    ],
    [
      'a recording started after the notice',
      (r) =>
        r.start().recording({
          recordingStatusCallback: 'https://x.test/twilio/recording',
          recordingStatusCallbackEvent: ['completed', 'absent'],
          recordingStatusCallbackMethod: 'POST',
          channels: 'dual',
        }),
    ],
  ];

  it.each(cases)('writes %s as VoiceResponse does', (_name, script) => {
    const [ours, theirs] = both(script);
    expect(ours).toBe(theirs);
  });

  it('writes what VoiceResponse writes for a thousand arbitrary sequences of verbs', () => {
    let seed = 20261207;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['a', 'Z', ' ', '&', '<', '>', '"', "'", '\t', '\n', '\r', 'é', '😀', '&amp;', ';', '=', '?'];
    const words = () => Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join('');
    const steps: Array<(r: TwimlWriter) => void> = [
      (r) => r.say({ ...voice, loop: random(3) }, words()),
      (r) => r.play({ loop: random(2) === 0 ? undefined : 2 }, words()),
      (r) => r.redirect({ method: random(2) ? 'POST' : 'GET' }, words()),
      (r) => r.hangup(),
      (r) => r.leave(),
      (r) => r.enqueue({ waitUrl: words() }, words()),
      (r) => r.record({ finishOnKey: words(), playBeep: random(2) === 0, maxLength: random(500) }),
      (r) => {
        const g = r.gather({ input: random(2) ? ['dtmf'] : ['dtmf', 'speech'], hints: words(), action: words() });
        for (let i = random(3); i > 0; i--) {
          if (random(2)) g.say(voice, words());
          else g.play({}, words());
        }
      },
      (r) => {
        const d = r.dial({ callerId: words(), answerOnBridge: random(2) === 0 }, random(3) ? undefined : words());
        if (random(2)) d.number({ url: words() }, words());
        else d.client({}, words());
      },
      (r) => r.start().recording({ recordingStatusCallback: words(), recordingStatusCallbackEvent: ['completed'] }),
    ];
    for (let n = 0; n < 1000; n++) {
      const plan = Array.from({ length: 1 + random(6) }, () => random(steps.length));
      const start = seed;
      const script: Script = (r) => {
        seed = start; // the same random text for both writers
        for (const i of plan) steps[i]!(r);
      };
      const [ours, theirs] = both(script);
      expect(ours).toBe(theirs);
    }
  });

  it('refuses a character XML cannot carry, as VoiceResponse does', () => {
    for (const bad of ['\u0000', '\u0007', '\uFFFE', '\uD800 alone']) {
      expect(() => new twilio.twiml.VoiceResponse().say(voice, bad).toString()).toThrow(/Invalid character/);
      const ours = new TwimlWriter();
      ours.say(voice, bad);
      expect(() => ours.toString()).toThrow(/Invalid character/);
    }
  });
});
