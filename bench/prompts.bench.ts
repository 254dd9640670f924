// How many questions a caller answers to book a given wish — "a check-up with Dr Khan
// next Tuesday afternoon" — through the real webhooks (signed, on the embedded
// database): said in one sentence, against the keypad alone (what every caller had
// before issue 19: book, then 9 for later times until that afternoon comes up).
import { openEmbeddedDatabase } from '../src/db/database.js';
import { clinicLine } from '../test/helpers/phone-line.js';
import type { Figure } from './run.js';

const WANTED = /Dr Khan has Tuesday the 15th of June at (midday|.*past 12|[1-4])/;

async function bookWith(say: boolean): Promise<number> {
  const db = await openEmbeddedDatabase({ dataDir: 'memory://' });
  await db.migrate();
  try {
    const { caller } = await clinicLine(db);
    const jane = caller();
    await jane.dial();
    let prompts = 1; // "How can I help?"
    const answer = async (act: () => Promise<unknown>) => {
      await act();
      prompts++;
    };
    if (say) await answer(() => jane.say('I need a check-up with Dr Khan next Tuesday afternoon'));
    else {
      await answer(() => jane.press('1'));
      // Three times at a time: later ones until Dr Khan's Tuesday afternoon is among them.
      while (!WANTED.test(jane.heard()) && prompts < 200) await answer(() => jane.press('9'));
    }
    const choice = jane.heard().includes('Dr Khan has Tuesday') ? (say ? 'the first one' : null) : null;
    if (choice) await answer(() => jane.say(choice));
    else {
      // By keypad: the key of Dr Khan's time is its place in what was said.
      const spoken = jane.heard().split(';');
      const before = spoken.slice(
        0,
        spoken.findIndex((part) => part.includes('Dr Khan has Tuesday')),
      );
      const times = before.reduce((n, part) => n + part.split(/, | or /).length, 0);
      await answer(() => jane.press(String(times + 1)));
    }
    await answer(() => jane.press('1')); // registered
    await answer(() => jane.press('23041980'));
    if (!jane.heard().startsWith('To book a check-up with Dr Khan on Tuesday the 15th'))
      throw new Error(`not offered the wish: ${jane.heard()}`);
    await answer(() => jane.press('1'));
    if (!jane.heard().startsWith("You're booked")) throw new Error(`not booked: ${jane.heard()}`);
    return prompts - 1; // the last answer was the confirmation; the "anything else?" after it is not counted
  } finally {
    await db.close();
  }
}

export async function promptBenchmarks(): Promise<Figure[]> {
  const [spoken, keyed] = [await bookWith(true), await bookWith(false)];
  return [
    {
      figure: 'questions answered to book "a check-up with Dr Khan next Tuesday afternoon"',
      value: spoken,
      unit: 'questions',
      baseline: keyed,
      baselineLabel: 'the keypad alone, as before issue 19',
      goal: { max: 6, of: 'value' },
    },
  ];
}
