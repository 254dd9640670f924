import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import type { HoursList, HoursRange } from '../../../../src/contracts/api';
import { TimeField } from '../../components/TimeField';
import { TableScroll } from '../../components/TableScroll';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Weekly opening ranges (reception's or a practitioner's), saved as a whole with PUT. */
export function WeeklyHours({
  title,
  url,
  initial,
  onSaved,
}: {
  title: string;
  url: string;
  initial: HoursRange[];
  onSaved?: (hours: HoursRange[]) => void;
}) {
  const [hours, setHours] = useState<HoursRange[]>(initial);
  const save = useSubmit();
  useEffect(() => setHours(initial), [initial]);

  const update = (i: number, change: Partial<HoursRange>) =>
    setHours(hours.map((h, j) => (j === i ? { ...h, ...change } : h)));
  async function submit(e: FormEvent) {
    e.preventDefault();
    await save.run(async () => {
      const r = await api<HoursList>('PUT', url, { hours });
      setHours(r.hours);
      onSaved?.(r.hours);
    });
  }
  return (
    <form onSubmit={submit} aria-label={title} className="hours-editor">
      {hours.length === 0 ? (
        <p className="empty">No hours: closed every day.</p>
      ) : (
        <TableScroll label="Days and times">
          <table>
            <thead>
              <tr>
                <th>Day</th>
                <th>Opens</th>
                <th>Closes</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {hours.map((h, i) => (
                <tr key={i}>
                  <td>
                    <select
                      aria-label={`Day of range ${i + 1}`}
                      value={h.weekday}
                      onChange={(e) => update(i, { weekday: Number(e.target.value) })}
                    >
                      {WEEKDAYS.map((d, k) => (
                        <option key={d} value={k + 1}>
                          {d}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <TimeField
                      hiddenLabel
                      label={`${WEEKDAYS[h.weekday - 1]} opens`}
                      value={h.start}
                      onChange={(start) => update(i, { start })}
                      required
                    />
                  </td>
                  <td>
                    <TimeField
                      hiddenLabel
                      label={`${WEEKDAYS[h.weekday - 1]} closes`}
                      value={h.end}
                      onChange={(end) => update(i, { end })}
                      required
                    />
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => setHours(hours.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <p className="row">
        <button
          type="button"
          className="link"
          onClick={() => setHours([...hours, { weekday: 1, start: '09:00', end: '17:00' }])}
        >
          Add a range
        </button>{' '}
        <button
          type="button"
          className="link"
          onClick={() => setHours([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })))}
        >
          Every day, all day
        </button>
      </p>
      {save.done && <p role="status">{save.done}</p>}
      <FormEnd error={save.error} busy={save.busy} label={`Save ${title.toLowerCase()}`} busyLabel="Saving…" />
    </form>
  );
}
