import {
  expectedWaitSeconds,
  secondsPerCaller,
  speakQueuePlace,
  worthSaying,
} from '../../src/reception/wait-estimate.js';

const at = (minutes: number) => new Date(Date.UTC(2027, 5, 7, 9, 0, 0) + minutes * 60_000);
const answered = (queuedMinute: number, answeredMinute: number) => ({
  queuedAt: at(queuedMinute),
  answeredAt: at(answeredMinute),
});

describe('How long a queued caller should expect to wait', () => {
  it('says no time at all when the clinic has answered nobody lately', () => {
    expect(expectedWaitSeconds(3, [])).toBeNull();
    expect(speakQueuePlace({ position: 3, expectedSeconds: null, secondsLeft: 300 })).toBe(
      'You are number 3 in the queue.',
    );
  });

  it('works from the pace at which a backlog was answered, times the callers up to this one', () => {
    // Three callers queued together at 9:00, answered at 9:02, 9:04 and 9:06: two minutes a caller.
    const backlog = [answered(0, 2), answered(0, 4), answered(0, 6)];
    expect(secondsPerCaller(backlog)).toBe(120);
    expect(expectedWaitSeconds(1, backlog)).toBe(120);
    expect(expectedWaitSeconds(3, backlog)).toBe(360);
  });

  it('ignores the quiet gaps between answers when nobody was waiting', () => {
    // Answered at once each time, an hour apart: the gaps say nothing about the pace.
    const quiet = [answered(0, 0.25), answered(60, 60.25), answered(120, 120.25)];
    expect(secondsPerCaller(quiet)).toBe(15);
  });

  it('with too few answers in a backlog, uses how long recent callers waited', () => {
    expect(secondsPerCaller([answered(0, 2)])).toBe(120);
    expect(expectedWaitSeconds(2, [answered(0, 2)])).toBe(240);
  });

  it('speaks in words that fit: within a minute, a minute or two, about N minutes, rounded to five past ten', () => {
    const say = (expectedSeconds: number, position = 2, secondsLeft = 3_600) =>
      speakQueuePlace({ position, expectedSeconds, secondsLeft });
    expect(say(40, 1)).toBe('You are next in the queue. We expect to answer you within a minute.');
    expect(say(60)).toBe('You are number 2 in the queue. We expect to answer you within a minute.');
    expect(say(100)).toBe('You are number 2 in the queue. We expect to answer you in a minute or two.');
    expect(say(240)).toBe('You are number 2 in the queue. We expect to answer you in about four minutes.');
    expect(say(560)).toBe('You are number 2 in the queue. We expect to answer you in about nine minutes.');
    expect(say(17 * 60)).toBe('You are number 2 in the queue. We expect to answer you in about 15 minutes.');
    for (const seconds of [1, 30, 59, 61, 119, 150, 151, 3000])
      expect(say(seconds)).not.toMatch(/about less|about a minute or|\b0 minutes|one minutes/);
  });

  it('never promises a wait past the longest wait, after which the caller goes to voicemail', () => {
    expect(speakQueuePlace({ position: 6, expectedSeconds: 720, secondsLeft: 200 })).toBe(
      'You are number 6 in the queue. It may be some time before we can answer.',
    );
  });

  it('is said again when the place changes or a minute after it was last said, not on every loop', () => {
    expect(worthSaying(undefined, 3, 0)).toBe(true);
    expect(worthSaying({ position: 3, atSeconds: 0 }, 3, 10)).toBe(false);
    expect(worthSaying({ position: 3, atSeconds: 0 }, 2, 12)).toBe(true);
    expect(worthSaying({ position: 3, atSeconds: 0 }, 3, 60)).toBe(true);
  });
});
