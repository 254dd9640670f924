// A date typed in the clinic's order (dd/mm/yyyy here, mm/dd/yyyy in the US), not the
// browser's date picker, whose order follows the browser's language: one format on
// every screen. It also takes "7 Dec 2026" and yyyy-mm-dd. The value is yyyy-mm-dd, or
// '' while empty; a date that is not one says so beside the field.
import { useEffect, useId, useState } from 'react';
import { useClinicTime } from '../format/clinic-time';
import { parseTypedDate, typedDate, typedDateHint } from '../format/dates';

export function DateField(props: {
  label: string;
  value: string;
  /** The clinic's, unless given. */
  locale?: string;
  onChange: (date: string) => void;
  required?: boolean;
}) {
  const clinic = useClinicTime();
  const { value, onChange } = props;
  const locale = props.locale ?? clinic.locale;
  const [text, setText] = useState(value ? typedDate(value, locale) : '');
  const [wrong, setWrong] = useState(false);
  const hintId = useId();
  const errorId = useId();
  const inputId = useId();
  // A new value from outside (a "next day" button): shown as typed here.
  useEffect(() => {
    setText((current) => (parseTypedDate(current, locale) === value ? current : value ? typedDate(value, locale) : ''));
    setWrong(false);
  }, [value, locale]);

  const settle = (typed: string, final: boolean) => {
    if (!typed.trim()) {
      setWrong(false);
      if (value !== '') onChange('');
      return;
    }
    const date = parseTypedDate(typed, locale);
    if (date) {
      setWrong(false);
      if (date !== value) onChange(date);
      if (final) setText(typedDate(date, locale));
    } else if (final) setWrong(true);
  };

  return (
    <span className="date-field">
      <label htmlFor={inputId}>{props.label}</label>
      <span className="hint" id={hintId}>
        {typedDateHint(locale)}
      </span>
      <input
        id={inputId}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        size={11}
        value={text}
        required={props.required}
        aria-invalid={wrong || undefined}
        aria-describedby={wrong ? `${hintId} ${errorId}` : hintId}
        onChange={(e) => {
          setText(e.target.value);
          // A whole date (its year in four digits) counts at once, so a form sent with Enter has it.
          if (/\d{4}(-\d{1,2}-\d{1,2})?\s*$/.test(e.target.value)) settle(e.target.value, false);
        }}
        onBlur={(e) => settle(e.target.value, true)}
      />
      {wrong && (
        <span className="field-error" id={errorId} role="alert">
          Not a date: type it as {typedDateHint(locale)}
        </span>
      )}
    </span>
  );
}
