// What DateField and TimeField share: the text as typed, a value taken as soon as the text
// is whole (so a form sent with Enter has it), the clinic's way of writing it put back
// when the field is left, and "not a date/time" said only then. A new value from outside
// (a "next day" button) replaces the text unless the text already means it.
import { useEffect, useState } from 'react';

export function useTypedField(field: {
  value: string;
  onChange: (value: string) => void;
  locale: string;
  /** The value the text means, or null. */
  parse: (text: string, locale: string) => string | null;
  /** A value as the clinic writes it. */
  show: (value: string, locale: string) => string;
  /** Whether text being typed is whole enough to take now (a date's four-digit year). */
  whole: (text: string) => boolean;
}) {
  const { value, onChange, locale, parse, show, whole } = field;
  const [text, setText] = useState(value ? show(value, locale) : '');
  const [wrong, setWrong] = useState(false);
  useEffect(() => {
    setText((current) => (parse(current, locale) === value ? current : value ? show(value, locale) : ''));
    setWrong(false);
    // parse and show are fixed functions of the field's kind; the value and locale are what change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, locale]);

  const settle = (typed: string, left: boolean) => {
    if (!typed.trim()) {
      setWrong(false);
      if (value !== '') onChange('');
      return;
    }
    const meant = parse(typed, locale);
    if (meant) {
      setWrong(false);
      if (meant !== value) onChange(meant);
      if (left) setText(show(meant, locale));
    } else if (left) setWrong(true);
  };

  return {
    text,
    wrong,
    onChange: (typed: string) => {
      setText(typed);
      if (whole(typed)) settle(typed, false);
    },
    onBlur: (typed: string) => settle(typed, true),
  };
}
