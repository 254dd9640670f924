// Free times for what the receptionist has chosen — type, practitioner, date or days,
// part of the day, a gap — each a button that books or moves. A time taken meanwhile
// says so and offers what is left.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Load, loadInto } from '../api';
import { Loaded } from '../components/Loaded';
import type { FreeSlot, FreeSlots } from '../../../src/contracts/api';
import { clockText, wallClock } from './grid';

export interface SlotQuery {
  typeId: string;
  practitionerId?: string;
  from?: string;
  to?: string;
  partOfDay?: string;
  after?: string;
  before?: string;
}

export function SlotPicker(props: {
  title: string;
  base: string;
  timeZone: string;
  locale: string;
  query: SlotQuery;
  nameOf: (practitionerId: string) => string;
  onPick: (s: FreeSlot) => Promise<void>;
}) {
  const [slots, setSlots] = useState<Load<FreeSlot[]>>({ state: 'loading' });
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify(props.query);
  const loadSlots = useCallback(() => {
    const params = Object.fromEntries(Object.entries(JSON.parse(key) as SlotQuery).filter(([, v]) => v));
    loadInto(
      api<FreeSlots>('GET', `${props.base}/slots?${new URLSearchParams({ ...params, limit: '48' })}`),
      setSlots,
      (r) => r.slots,
    );
  }, [props.base, key]);
  useEffect(() => {
    setSlots({ state: 'loading' });
    loadSlots();
  }, [loadSlots]);

  async function pick(slot: FreeSlot) {
    setBusy(true);
    setProblem('');
    try {
      await props.onPick(slot);
    } catch (err) {
      const e = err as ApiError;
      if (e.code !== 'slot_taken') return setProblem(e.message);
      setProblem('That time was just taken by someone else. Choose another.');
      loadSlots();
    } finally {
      setBusy(false);
    }
  }

  // Several days: each time says its day; one day: just the time.
  const days = new Set(
    slots.state === 'ready' ? slots.value.map((s) => wallClock(s.startsAt, props.timeZone).date) : [],
  );
  const dayName = (iso: string) =>
    new Date(iso).toLocaleDateString(props.locale, {
      timeZone: props.timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    });
  return (
    <div className="slot-picker" role="region" aria-label={props.title}>
      <h3>{props.title}</h3>
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={slots} loading="Finding free times…" retry={loadSlots}>
        {(value) =>
          value.length === 0 ? (
            <p className="empty">No free times for that choice. Try another day, part of the day or practitioner.</p>
          ) : (
            <div className="slots">
              {value.map((s) => (
                <button key={`${s.practitionerId}@${s.startsAt}`} disabled={busy} onClick={() => pick(s)}>
                  {days.size > 1 && `${dayName(s.startsAt)} `}
                  {clockText(wallClock(s.startsAt, props.timeZone).minute)} · {props.nameOf(s.practitionerId)}
                </button>
              ))}
            </div>
          )
        }
      </Loaded>
    </div>
  );
}
