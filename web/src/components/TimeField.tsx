// A time of day typed the clinic's way ("09:30", or "9:30 AM" in the US), not the
// browser's time picker, whose 12- or 24-hour clock follows the browser's language.
// The value is "HH:MM" (24-hour, up to 24:00), or '' while empty.
import { useId } from 'react';
import { useClinicTime } from '../format/clinic-time';
import { parseTypedTime, typedTime } from '../format/dates';
import { useTypedField } from './useTypedField';

export function TimeField(props: {
  /** The visible label; or, with `hiddenLabel`, the name screen readers hear (the row says what it is). */
  label: string;
  hiddenLabel?: boolean;
  value: string;
  onChange: (time: string) => void;
  required?: boolean;
}) {
  const { locale } = useClinicTime();
  const { value, onChange } = props;
  const { text, wrong, ...typing } = useTypedField({
    value,
    onChange,
    locale,
    parse: parseTypedTime,
    show: typedTime,
    whole: (typed) => parseTypedTime(typed) !== null,
  });
  const errorId = useId();

  const input = (
    <input
      type="text"
      inputMode="text"
      autoComplete="off"
      size={8}
      value={text}
      required={props.required}
      aria-label={props.hiddenLabel ? props.label : undefined}
      aria-invalid={wrong || undefined}
      aria-describedby={wrong ? errorId : undefined}
      placeholder={locale === 'en-US' ? '9:30 AM' : '09:30'}
      onChange={(e) => typing.onChange(e.target.value)}
      onBlur={(e) => typing.onBlur(e.target.value)}
    />
  );
  const error = wrong && (
    <span className="field-error" id={errorId} role="alert">
      Not a time: type it like {locale === 'en-US' ? '9:30 AM' : '09:30'}
    </span>
  );
  if (props.hiddenLabel)
    return (
      <span className="time-field">
        {input}
        {error}
      </span>
    );
  return (
    <label className="time-field">
      {props.label}
      {input}
      {error}
    </label>
  );
}
