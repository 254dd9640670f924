// A date typed in the clinic's order (dd/mm/yyyy here, mm/dd/yyyy in the US), not the
// browser's date picker, whose order follows the browser's language: one format on
// every screen. It also takes "7 Dec 2026" and yyyy-mm-dd. The value is yyyy-mm-dd, or
// '' while empty; a date that is not one says so beside the field.
import { useId } from 'react';
import { useClinicTime } from '../format/clinic-time';
import { parseTypedDate, typedDate, typedDateHint } from '../format/dates';
import { useTypedField } from './useTypedField';

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
  const { text, wrong, ...typing } = useTypedField({
    value,
    onChange,
    locale,
    parse: parseTypedDate,
    show: typedDate,
    // A whole date has its year in four digits.
    whole: (typed) => /\d{4}(-\d{1,2}-\d{1,2})?\s*$/.test(typed),
  });
  const hintId = useId();
  const errorId = useId();
  const inputId = useId();

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
        onChange={(e) => typing.onChange(e.target.value)}
        onBlur={(e) => typing.onBlur(e.target.value)}
      />
      {wrong && (
        <span className="field-error" id={errorId} role="alert">
          Not a date: type it as {typedDateHint(locale)}
        </span>
      )}
    </span>
  );
}
