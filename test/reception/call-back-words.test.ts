// The rules behind a patient's say over their call-back, without a database: the later
// time today they chose, their words for cancelling it on the phone and by text, and which
// numbers the heads-up text is sent to.
import { callBackWindow } from '../../src/reception/call-back-window.js';
import { cancelsByText, headsUpText, takesTexts } from '../../src/reception/call-back-texts.js';
import { cancelsCallBack } from '../../src/telephony/menu.js';

describe('A later time today for a call-back', () => {
  // Monday 7 June 2027, 09:00 in London (08:00 UTC); reception closes at 18:00 (17:00 UTC).
  const context = {
    now: new Date('2027-06-07T08:00:00Z'),
    timeZone: 'Europe/London',
    closesAt: new Date('2027-06-07T17:00:00Z'),
  };

  it.each([
    [{ time: { relation: 'after' as const, minutes: 14 * 60 } }, '2027-06-07T13:00:00.000Z'],
    [{ time: { relation: 'at' as const, minutes: 11 * 60 + 30 } }, '2027-06-07T10:30:00.000Z'],
    [{ time: { relation: 'around' as const, minutes: 16 * 60 } }, '2027-06-07T15:00:00.000Z'],
    [{ partOfDay: 'afternoon' as const }, '2027-06-07T11:00:00.000Z'],
  ])('%j starts the window at %s', (heard, from) => {
    expect(callBackWindow(heard, context)).toEqual({ kind: 'from', notBefore: new Date(from) });
  });

  it('1, "as soon as", "before 3", a time already past and a part of the day already begun are as soon as we can', () => {
    expect(callBackWindow({ digits: '1' }, context)).toEqual({ kind: 'now' });
    expect(callBackWindow({ soon: true }, context)).toEqual({ kind: 'now' });
    expect(callBackWindow({ time: { relation: 'before', minutes: 15 * 60 } }, context)).toEqual({ kind: 'now' });
    expect(callBackWindow({ time: { relation: 'after', minutes: 8 * 60 } }, context)).toEqual({ kind: 'now' });
    expect(callBackWindow({ partOfDay: 'morning' }, context)).toEqual({ kind: 'now' });
  });

  it('near closing, after it, or with reception closed, is too late; nothing understood is unclear', () => {
    expect(callBackWindow({ time: { relation: 'after', minutes: 17 * 60 + 50 } }, context)).toEqual({
      kind: 'too-late',
    });
    // "This evening": from 17:00, an hour before closing.
    expect(callBackWindow({ partOfDay: 'evening' }, context)).toEqual({
      kind: 'from',
      notBefore: new Date('2027-06-07T16:00:00Z'),
    });
    expect(callBackWindow({ time: { relation: 'after', minutes: 19 * 60 } }, context)).toEqual({ kind: 'too-late' });
    expect(callBackWindow({ time: { relation: 'after', minutes: 14 * 60 } }, { ...context, closesAt: null })).toEqual({
      kind: 'too-late',
    });
    expect(callBackWindow({}, context)).toEqual({ kind: 'unclear' });
    expect(callBackWindow({ digits: '7' }, context)).toEqual({ kind: 'unclear' });
  });

  it('by the wall clock on the day the clocks go forward', () => {
    // Sunday 28 March 2027, 09:00 BST (08:00 UTC); the clocks went forward at 01:00 UTC.
    const dst = {
      now: new Date('2027-03-28T08:00:00Z'),
      timeZone: 'Europe/London',
      closesAt: new Date('2027-03-28T16:00:00Z'),
    };
    expect(callBackWindow({ time: { relation: 'after', minutes: 14 * 60 } }, dst)).toEqual({
      kind: 'from',
      notBefore: new Date('2027-03-28T13:00:00Z'),
    });
  });
});

describe("A patient's words for cancelling a call-back", () => {
  const said = (words: string) => ({ said: words, silent: false });

  it.each([
    "I don't need the call back any more",
    'cancel my callback please',
    'you can cancel the call back',
    'no need to call me back',
    'please cancel the callback',
  ])('on the phone: %s', (words) => {
    expect(cancelsCallBack(said(words))).toBe(true);
  });

  it.each([
    'I want to cancel my appointment',
    'call me back later',
    'book an appointment',
    'no',
    "i am still waiting for my call back please don't forget",
    'I need to cancel my appointment, can someone call me back',
    'forget the call-back',
  ])('not on the phone: %s', (words) => {
    expect(cancelsCallBack(said(words))).toBe(false);
  });

  it('9 on the keypad, and no other key', () => {
    expect(cancelsCallBack({ digits: '9', silent: false })).toBe(true);
    expect(cancelsCallBack({ digits: '1', silent: false })).toBe(false);
  });

  it.each([
    'NO',
    'no',
    'No thanks',
    'no, thank you',
    'Cancel',
    'cancel the call back',
    "Don't call",
    'not needed anymore',
  ])('by text: %s', (text) => {
    expect(cancelsByText(text)).toBe(true);
  });

  it.each(['YES', 'no idea when', 'Can you call at 3?', 'STOP', ''])('not by text: %s', (text) => {
    expect(cancelsByText(text)).toBe(false);
  });
});

describe('The heads-up text', () => {
  it('goes to mobiles and to numbers that may be one, never to a known landline', () => {
    expect(takesTexts('+447911123456')).toBe(true);
    expect(takesTexts('+12025550123')).toBe(true); // North American numbers may be mobiles
    expect(takesTexts('+447700900123')).toBe(true); // Ofcom's drama range: tried, Twilio decides
    expect(takesTexts('+442079460999')).toBe(false);
    expect(takesTexts('+448001111111')).toBe(false);
  });

  it("writes the clinic's number as the patient would dial it", () => {
    const words = { clinicName: 'Riverside', clinicNumber: '+442079460000', when: 'in the next few minutes' };
    expect(headsUpText({ ...words, ringNumber: '+447911123456' })).toBe(
      'Riverside: we will call you back in the next few minutes, from 020 7946 0000. You keep your place in the queue. If you no longer need the call, reply NO.',
    );
    expect(headsUpText({ ...words, ringNumber: '+12025550123' })).toContain('from +44 20 7946 0000.');
  });
});
