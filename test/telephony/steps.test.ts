// The phone line's action URLs (src/voice/steps.ts): what one step writes, the next
// reads back unchanged, and a URL that carries something else is not acted on.
import { choiceOf, STEPS, stepUrl, type StepPath } from '../../src/voice/steps.js';
import { makeTestApp, TEST_BASE_URL } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';

const CALL = '0190f0f0-0000-7000-8000-000000000001';
const TYPE = '0190f0f0-0000-7000-8000-000000000002';
const SLOT = '0190f0f0-0000-7000-8000-000000000003@2027-06-08T10:30:00.000Z';

/** What each step's URL would carry on a real call. */
const SAMPLES: Partial<Record<StepPath, Record<string, string>>> = {
  menu: { attempt: '2' },
  'book/slot': { type: TYPE, later: '2027-06-08T10:31:00.000Z', s1: SLOT },
  'book/which': { type: TYPE, slot: SLOT, p1: CALL, p2: TYPE },
  'book/confirm': { type: TYPE, slot: SLOT, patient: 'new' },
  'change/move': { appt: CALL, slot: SLOT, type: TYPE },
  'queue/connect': { staff: TYPE },
};

describe('Action URLs', () => {
  it('carry to the next step exactly what the last one put in them', () => {
    for (const [path, params] of Object.entries(SAMPLES) as Array<[StepPath, Record<string, string>]>) {
      const url = new URL(stepUrl(TEST_BASE_URL, path, CALL, params as never));
      expect(url.pathname).toBe(`/twilio/${path}`);
      const { call, ...carried } = Object.fromEntries(url.searchParams);
      expect(call).toBe(CALL);
      expect(STEPS[path].parse(carried)).toEqual(params);
    }
  });

  it('refuse what a step did not put there: a slot that is not one, a patient that is neither an id nor new', () => {
    expect(STEPS['book/who'].safeParse({ type: TYPE, slot: 'tomorrow' }).success).toBe(false);
    expect(STEPS['book/confirm'].safeParse({ type: TYPE, slot: SLOT, patient: 'someone' }).success).toBe(false);
    expect(STEPS['book/who'].safeParse({ slot: SLOT }).success).toBe(false);
  });

  it('a key stands for one of the offered choices, or for nothing', () => {
    const q = { s1: 'first', s2: 'second' };
    expect(choiceOf(q, 's', '2')).toBe('second');
    expect(choiceOf(q, 's', '3')).toBeUndefined();
    expect(choiceOf(q, 's', '12')).toBeUndefined();
    expect(choiceOf(q, 's', undefined)).toBeUndefined();
  });

  describe('on a real call', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase('embedded');
    });
    afterAll(() => db.drop());

    it('a signed request whose URL carries the wrong thing is answered with the spoken apology, and books nothing', async () => {
      const { clinic, checkUp } = await makeDiary(db.prisma);
      const { app } = makeTestApp(db);
      const call = inboundCall({ To: clinic.numbers[0]! });
      await signedTwilioPost(app, '/twilio/voice', call);
      const { id } = await db.prisma.call.findUniqueOrThrow({ where: { callSid: call.CallSid! } });
      const res = await signedTwilioPost(
        app,
        `/twilio/book/confirm?${new URLSearchParams({ call: id, type: checkUp.id, slot: 'whenever', patient: 'new' })}`,
        { ...call, Digits: '1' },
      );
      expect(res.status).toBe(200);
      expect(res.text).toContain('<Say');
      expect(res.text).toMatch(/sorry/i);
      expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(0);
    });
  });
});
