// Reading a request's input: a refusal names the field in the screen's words, and a field
// a client names after something every object has ("valueOf", "constructor") is refused
// as any unknown field, not taken for a label (the fuzzer found it answering 500).
import { z } from 'zod';
import { InvalidInput } from '../../src/core/errors.js';
import { parseInput } from '../../src/http/input.js';

const schema = z.strictObject({ name: z.string().min(1, 'must not be empty') });
const labels = { name: 'Practitioner name' };

describe("Input refused in the screen's words", () => {
  it('names a labelled field by its label', () => {
    expect(() => parseInput(schema, { name: '' }, labels)).toThrow('Practitioner name: must not be empty');
  });

  it.each(['valueOf', 'constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'a field named "%s" is an unknown field, a 400 naming it',
    (key) => {
      const input = JSON.parse(`{"name":"Dr Khan",${JSON.stringify(key)}:[]}`) as unknown;
      let thrown: unknown;
      try {
        parseInput(schema, input, labels);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(InvalidInput);
      expect((thrown as Error).message).toBe(`${key}: is not a field this takes`);
    },
  );
});
