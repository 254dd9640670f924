import { menuChoice } from '../../src/telephony/menu.js';

describe('What a caller means at the menu', () => {
  it.each([
    [{ Digits: '1' }, 'book'],
    [{ Digits: '2' }, 'change'],
    [{ Digits: '3' }, 'reception'],
    [{ Digits: '7' }, null],
    [{ SpeechResult: 'I would like to book an appointment.' }, 'book'],
    [{ SpeechResult: 'I need to change my booking' }, 'change'],
    [{ SpeechResult: 'Cancel please' }, 'change'],
    [{ SpeechResult: 'Can I speak to someone?' }, 'reception'],
    [{ SpeechResult: 'Reception.' }, 'reception'],
    [{ SpeechResult: 'banana' }, null],
    [{ SpeechResult: '' }, null],
    [{}, null],
  ])('%o → %s', (input, choice) => {
    expect(menuChoice(input)).toBe(choice);
  });
});
