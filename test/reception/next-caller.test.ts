// The order reception serves callers and call-backs in, over random days: arrivals,
// hang-ups, call-back requests (some with a window), unanswered ring-backs and retries,
// receptionists becoming free. Checked: nobody overtaken, never two dials at once for
// one call-back, nobody lost.
import fc from 'fast-check';
import { afterUnanswered, nextToServe, servableNow, type Waiting } from '../../src/reception/next-caller.js';

const T0 = Date.parse('2027-06-07T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

describe('Whom reception serves next', () => {
  it('the earliest joined that can be served now; a call-back keeps its place; one waiting out a gap or window is passed', () => {
    const entries: Waiting[] = [
      { id: 'a', kind: 'call-back', joinedAt: at(0), notBefore: at(600), taken: false }, // retrying at +10 min
      { id: 'b', kind: 'caller', joinedAt: at(30), notBefore: null, taken: false },
      { id: 'c', kind: 'call-back', joinedAt: at(10), notBefore: null, taken: false },
      { id: 'd', kind: 'caller', joinedAt: at(5), notBefore: null, taken: true }, // being answered
    ];
    expect(nextToServe(entries, at(60))?.id).toBe('c');
    expect(nextToServe(entries, at(600))?.id).toBe('a');
    expect(nextToServe([], at(0))).toBeNull();
  });

  it('retries after the gap until the attempts are used up, then the call-back list', () => {
    const rules = { maxAttempts: 2, retryGapMinutes: 5 };
    expect(afterUnanswered(1, rules, at(0))).toEqual({ retryAt: at(300) });
    expect(afterUnanswered(2, rules, at(0))).toBe('list');
  });

  type Event =
    | { type: 'arrive' }
    | { type: 'hang-up'; pick: number }
    | { type: 'ask-call-back'; pick: number; windowSeconds: number | null }
    | { type: 'free'; answered: boolean }
    | { type: 'tick'; seconds: number };

  const event: fc.Arbitrary<Event> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ type: 'arrive' as const }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('hang-up' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('ask-call-back' as const),
        pick: fc.nat(),
        windowSeconds: fc.option(fc.integer({ min: 60, max: 3_600 })),
      }),
    },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('free' as const), answered: fc.boolean() }) },
    {
      weight: 3,
      arbitrary: fc.record({ type: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 400 }) }),
    },
  );

  it('over random days: nobody is overtaken, no call-back is dialled twice at once, and everybody ends somewhere', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        const rules = { maxAttempts: 2, retryGapMinutes: 5 };
        let now = 0;
        let seq = 0;
        const waiting = new Map<string, Waiting & { attempts: number }>();
        const ended = new Map<string, 'answered' | 'hung up' | 'called back' | 'listed'>();
        const dialling = new Set<string>();
        const ids: string[] = [];
        for (const e of events) {
          const live = [...waiting.values()];
          switch (e.type) {
            case 'arrive': {
              const id = `w${String(seq++).padStart(4, '0')}`;
              ids.push(id);
              waiting.set(id, { id, kind: 'caller', joinedAt: at(now), notBefore: null, taken: false, attempts: 0 });
              break;
            }
            case 'hang-up': {
              const callers = live.filter((w) => w.kind === 'caller' && !w.taken);
              const w = callers[e.pick % Math.max(1, callers.length)];
              if (w) {
                waiting.delete(w.id);
                ended.set(w.id, 'hung up');
              }
              break;
            }
            case 'ask-call-back': {
              const callers = live.filter((w) => w.kind === 'caller' && !w.taken);
              const w = callers[e.pick % Math.max(1, callers.length)];
              // The caller hangs up with their place kept: same joinedAt, maybe a window.
              if (w)
                Object.assign(w, {
                  kind: 'call-back',
                  notBefore: e.windowSeconds === null ? null : at(now + e.windowSeconds),
                });
              break;
            }
            case 'free': {
              const next = nextToServe(live, at(now));
              if (!next) break;
              // No overtaking: nothing servable now joined earlier.
              for (const other of live)
                if (servableNow(other, at(now)))
                  expect(other.joinedAt.getTime()).toBeGreaterThanOrEqual(next.joinedAt.getTime());
              if (next.kind === 'caller') {
                waiting.delete(next.id);
                ended.set(next.id, 'answered');
                break;
              }
              // A call-back: reserved, then dialled — once at a time.
              expect(dialling.has(next.id)).toBe(false);
              next.taken = true;
              dialling.add(next.id);
              next.attempts++;
              dialling.delete(next.id);
              next.taken = false;
              if (e.answered) {
                waiting.delete(next.id);
                ended.set(next.id, 'called back');
                break;
              }
              const after = afterUnanswered(next.attempts, rules, at(now));
              if (after === 'list') {
                waiting.delete(next.id);
                ended.set(next.id, 'listed');
              } else next.notBefore = after.retryAt;
              break;
            }
            case 'tick':
              now += e.seconds;
              break;
          }
        }
        // Nobody lost: each arrival is still waiting, or ended exactly one way.
        for (const id of ids) expect(waiting.has(id) !== ended.has(id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
