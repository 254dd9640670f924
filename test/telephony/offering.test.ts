// The phone line's decisions about times, without a database: which searches a wish
// makes, which times come first, how they are said, and what an answer to them means.
import { menuRoute } from '../../src/telephony/menu.js';
import { offerAnswer } from '../../src/telephony/offer-answer.js';
import { bestFirst, minutesOf, searchesFor, speakDay, speakOffer, speakWhen } from '../../src/telephony/offering.js';
import { emergencyAdvice } from '../../src/telephony/steering.js';
import { speakClock } from '../../src/voice/speech.js';
import { ClinicLanguage, understand } from '../../src/understanding/understand.js';
import { DEFAULT_URGENT_PHRASES } from '../../src/understanding/urgent.js';
import { keepForEveryCall, sayable, speechHints } from '../../src/voice/call-step.js';
import { article } from '../../src/voice/speech.js';

const ZONE = 'Europe/London';
// Monday 7 June 2027, 09:00 in London
const NOW = new Date('2027-06-07T08:00:00Z');
const o = { timeZone: ZONE, locale: 'en-GB', now: NOW };
const at = (iso: string, practitionerId = 'khan') => ({
  practitionerId,
  startsAt: new Date(iso),
  endsAt: new Date(iso),
});

describe('the searches a wish makes', () => {
  it('the wish itself first, then widened one thing at a time, saying what was widened', () => {
    const searches = searchesFor(
      {
        practitionerIds: ['khan'],
        day: { from: '2027-06-08', to: '2027-06-08' },
        partOfDay: 'afternoon',
      },
      { timeZone: ZONE, now: NOW },
    );
    expect(searches.map((s) => s.widened ?? 'none')).toEqual(['none', 'time', 'day', 'practitioner', 'everything']);
    expect(searches[0]).toMatchObject({
      from: new Date('2027-06-07T23:00:00Z'),
      before: new Date('2027-06-08T23:00:00Z'),
      minutes: { from: 720, to: 1020 },
      practitionerIds: ['khan'],
    });
  });

  it('no wish at all is one search: the next free times', () => {
    expect(searchesFor({}, { timeZone: ZONE, now: NOW })).toEqual([{ minutes: undefined, nearMinute: undefined }]);
  });

  it('a time and a part of day meet; when they cannot, the time said wins', () => {
    expect(minutesOf({ partOfDay: 'morning', time: { relation: 'before', minutes: 600 } })).toEqual({
      from: 0,
      to: 600,
    });
    expect(minutesOf({ partOfDay: 'evening', time: { relation: 'after', minutes: 15 * 60 } })).toEqual({
      from: 1020,
      to: 1440,
    });
    expect(minutesOf({ partOfDay: 'morning', time: { relation: 'at', minutes: 14 * 60 } })).toEqual({
      from: 14 * 60 - 90,
      to: 14 * 60 + 91,
    });
  });

  it('"around 11": the first day that has one, nearest first', () => {
    const found = [
      at('2027-06-08T08:00:00Z'), // 09:00
      at('2027-06-08T09:45:00Z'), // 10:45
      at('2027-06-08T10:00:00Z'), // 11:00
      at('2027-06-08T11:30:00Z'), // 12:30
      at('2027-06-09T10:00:00Z'), // the next day
    ];
    const offered = bestFirst(found, { nearMinute: 11 * 60 }, ZONE);
    expect(offered.map((s) => s.startsAt.toISOString())).toEqual([
      '2027-06-08T09:45:00.000Z',
      '2027-06-08T10:00:00.000Z',
      '2027-06-08T11:30:00.000Z',
    ]);
  });
});

describe('how times are said', () => {
  it.each([
    [9, 0, 'en-GB', '9'],
    [12, 0, 'en-GB', 'midday'],
    [12, 0, 'en-US', 'noon'],
    [14, 30, 'en-GB', 'half past 2'],
    [15, 15, 'en-GB', 'quarter past 3'],
    [15, 45, 'en-GB', 'quarter to 4'],
    [11, 40, 'en-GB', 'twenty to 12'],
    [10, 35, 'en-GB', 'twenty-five to 11'],
    [10, 37, 'en-GB', '10 37'],
    [19, 30, 'en-GB', 'half past 7 in the evening'],
    [14, 30, 'en-US', '2:30'],
    [6, 30, 'en-US', '6:30 a.m.'],
  ])('%i:%i in %s is "%s"', (h, m, locale, said) => {
    expect(speakClock(h, m, locale)).toBe(said);
  });

  it('days: today, tomorrow, this week by weekday, later with the month', () => {
    expect(speakDay(new Date('2027-06-07T15:00:00Z'), o)).toBe('today');
    expect(speakDay(new Date('2027-06-08T15:00:00Z'), o)).toBe('tomorrow');
    expect(speakDay(new Date('2027-06-10T15:00:00Z'), o)).toBe('Thursday the 10th');
    expect(speakDay(new Date('2027-06-15T15:00:00Z'), o)).toBe('Tuesday the 15th of June');
    expect(speakDay(new Date('2027-06-15T15:00:00Z'), { ...o, locale: 'en-US' })).toBe('Tuesday, June 15th');
    // "Your appointment on tomorrow" is never said: the day knows its preposition.
    expect(speakWhen(new Date('2027-06-08T13:00:00Z'), o)).toBe('tomorrow at 2');
    expect(speakWhen(new Date('2027-06-10T13:00:00Z'), o)).toBe('on Thursday the 10th at 2');
  });

  it('three times in one breath, grouped by who and which day', () => {
    const names = new Map([
      ['khan', 'Dr Khan'],
      ['patel', 'Dr Patel'],
    ]);
    expect(
      speakOffer([at('2027-06-08T13:00:00Z'), at('2027-06-08T14:15:00Z'), at('2027-06-08T15:00:00Z')], names, o),
    ).toBe('Dr Khan has tomorrow at 2, quarter past 3 or 4.');
    expect(
      speakOffer(
        [at('2027-06-08T13:00:00Z'), at('2027-06-10T08:00:00Z'), at('2027-06-08T13:00:00Z', 'patel')],
        names,
        o,
      ),
    ).toBe('Dr Khan has tomorrow at 2 or Thursday the 10th at 9; Dr Patel has tomorrow at 2.');
  });

  it('words a voice can say: no emoji; a or an as it sounds', () => {
    expect(sayable('Welcome to Smile Dental 😁🦷 — hello!')).toBe('Welcome to Smile Dental — hello!');
    expect(`${article('8')} 8-second message`).toBe('an 8-second message');
    expect(`${article('check-up')} check-up`).toBe('a check-up');
    expect(`${article('eye test')} eye test`).toBe('an eye test');
  });
});

describe('answers to the times offered', () => {
  const language = new ClinicLanguage({
    locale: 'en-GB',
    timeZone: ZONE,
    practitioners: [
      { id: 'khan', name: 'Omar Khan', spokenName: 'Dr Khan' },
      { id: 'patel', name: 'Anita Patel', spokenName: 'Dr Patel' },
    ],
    types: [{ id: 'checkup', name: 'Check-up' }],
    urgentPhrases: DEFAULT_URGENT_PHRASES,
  });
  const offered = [at('2027-06-08T13:00:00Z'), at('2027-06-08T14:15:00Z'), at('2027-06-08T13:00:00Z', 'patel')];
  const answer = (said: string) =>
    offerAnswer({ said, understood: understand(said, 'offer', language, NOW), silent: false }, offered, ZONE);

  it.each([
    ['the first one', { kind: 'take', index: 0 }],
    ['two please', { kind: 'take', index: 1 }],
    ['the last one', { kind: 'take', index: 2 }],
    ['quarter past three', { kind: 'take', index: 1 }],
    ['2 o clock with doctor patel', { kind: 'take', index: 2 }],
    ['anything later', { kind: 'later' }],
    ['have you got anything earlier', { kind: 'earlier' }],
    ['no', { kind: 'no' }],
    ['yes', { kind: 'which' }],
    [
      'what about friday morning',
      { kind: 'wish', wish: { day: { from: '2027-06-11', to: '2027-06-11' }, partOfDay: 'morning' } },
    ],
    ['purple elephants', { kind: 'unclear' }],
  ])('"%s"', (said, meant) => {
    expect(answer(said)).toEqual(meant);
  });

  it('keys: 1 to 3 choose, 9 asks for later, others are not understood', () => {
    const key = (digits: string) => offerAnswer({ digits, silent: false }, offered, ZONE);
    expect(key('3')).toEqual({ kind: 'take', index: 2 });
    expect(key('9')).toEqual({ kind: 'later' });
    expect(key('4')).toEqual({ kind: 'unclear' });
  });
});

describe('the first question', () => {
  it('keys 1, 2, 3; words by intent; "no" ends only "anything else?"', () => {
    expect(menuRoute({ digits: '3', silent: false }, false)).toBe('reception');
    expect(menuRoute({ digits: '5', silent: false }, false)).toBe('unclear');
    const intent = (i: 'no' | 'yes' | 'check') => ({ said: i, understood: { intent: i, wish: {} }, silent: false });
    expect(menuRoute(intent('check'), false)).toBe('check');
    expect(menuRoute(intent('no'), true)).toBe('goodbye');
    expect(menuRoute(intent('no'), false)).toBe('unclear');
    expect(menuRoute(intent('yes'), true)).toBe('help');
  });

  it("Twilio's speech hints: the clinic's names first, at most 500 of at most 100 characters", () => {
    const many = Array.from({ length: 700 }, (_, i) => ({ id: `t${i}`, name: `Type ${i} ${'x'.repeat(120)}` }));
    const hints = speechHints({
      practitioners: [{ id: 'p', name: 'Dr Omar Khan', spokenName: 'Dr Khan' }],
      types: many,
      urgentPhrases: null,
    }).split(', ');
    expect(hints.slice(0, 3)).toEqual(['Dr Khan', 'Dr Omar Khan', 'Omar']);
    expect(hints.length).toBe(500);
    expect(Math.max(...hints.map((h) => h.length))).toBeLessThanOrEqual(100);
  });

  it('speech hints of the words an instance keeps are made once per set of words, and the same as any', () => {
    let nameReads = 0;
    const counted = {
      id: 'p',
      spokenName: 'Dr Patel',
      get name() {
        nameReads++;
        return 'Anita Patel';
      },
    };
    const practitioners = [{ id: 'p', name: 'Anita Patel', spokenName: 'Dr Patel' }];
    const types = [{ id: 't', name: 'Check-up', synonyms: ['MOT'] }];
    const plain = speechHints({ practitioners, types, urgentPhrases: null });
    const kept = keepForEveryCall({
      practitioners: [counted],
      types: [{ id: 't', name: 'Check-up', synonyms: ['MOT'] }],
    });
    expect(speechHints({ ...kept, urgentPhrases: 'chest pain' })).toBe(plain);
    const reads = nameReads;
    expect(speechHints({ ...kept, urgentPhrases: null })).toBe(plain);
    expect(nameReads).toBe(reads); // made once: the second call read no name
    // Words read again after a change are a new set: their own hints.
    const changed = keepForEveryCall({
      practitioners: kept.practitioners,
      types: [{ id: 't', name: 'Scale and polish', synonyms: [] }],
    });
    expect(speechHints({ ...changed, urgentPhrases: null })).toContain('Scale and polish');
    expect(speechHints({ ...changed, urgentPhrases: null })).not.toContain('MOT');
    // Words not kept (a test's, built by hand) may change in place, so they are never remembered.
    types.push({ id: 'u', name: 'Vaccination', synonyms: ['jab'] });
    expect(speechHints({ practitioners, types, urgentPhrases: null })).toContain('jab');
    expect(() => (kept.types as unknown[]).push('x')).toThrow();
  });

  it("emergency advice: the owner's words, else the country's", () => {
    expect(emergencyAdvice({ locale: 'en-GB' })).toMatch(/999.*NHS 111/);
    expect(emergencyAdvice({ locale: 'en-US' })).toMatch(/911.*988/);
    expect(emergencyAdvice({ locale: 'fr-FR' })).toMatch(/local emergency number/);
    expect(emergencyAdvice({ locale: 'en-GB', emergencyAdvice: 'Call 999.' })).toBe('Call 999.');
  });
});
