import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, type Load } from '../api';
import { useLiveEvents } from '../live/context';
import { timeIn } from '../live/format';
import { Loaded } from '../components/Loaded';
import { useSubmit } from '../components/useSubmit';
import type { ClinicSummary, DiaryDay, WaitlistOfferSent } from '../../../src/contracts/api';
import type { EventPayloads } from '../../../src/contracts/events';
import { AppointmentPanel } from '../calendar/AppointmentPanel';
import { BookForm, type BookingStart } from '../calendar/BookForm';
import { Calendar, type CalendarColumn, type Drop } from '../calendar/Calendar';
import { addDays, clockText, instantAt, wallClock, weekOf } from '../calendar/grid';
import { dayText, monthOf } from '../calendar/words';
import { useDiarySetup } from '../calendar/useDiarySetup';
import { DateField } from '../components/DateField';
import { Outcome } from '../components/Outcome';

type Panel =
  { kind: 'book'; start: BookingStart } | { kind: 'appointment'; id: string } | { kind: 'drop'; drop: Drop } | null;

/**
 * The receptionist's calendar: a day with a column per practitioner, or a week of the
 * chosen practitioners; book into a gap, open an appointment to move, cancel or mark
 * attendance, drag it to move it. Changes made elsewhere appear live.
 */
export function Diary({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const zone = clinic.timeZone;
  const [now, setNow] = useState(() => Date.now());
  const today = wallClock(now, zone).date;
  const [date, setDate] = useState(today);
  const [view, setView] = useState<'day' | 'week'>('day');
  const [chosen, setChosen] = useState<string[]>([]);
  const [showCancelled, setShowCancelled] = useState(false);
  const { practitioners, types } = useDiarySetup(base);
  const [diary, setDiary] = useState<Load<DiaryDay>>({ state: 'loading' });
  const [notice, setNotice] = useState('');
  const [match, setMatch] = useState<WaitlistMatch | null>(null);
  const [panel, setPanel] = useState<Panel>(null);

  const load = useCallback(() => {
    const q = new URLSearchParams({ date, view, ...(showCancelled ? { includeCancelled: 'true' } : {}) });
    for (const id of chosen) q.append('practitionerId', id);
    setNow(Date.now());
    // A reload keeps the calendar on screen; only the first load shows "Loading".
    api<DiaryDay>('GET', `${base}/diary?${q}`).then(
      (value) => setDiary({ state: 'ready', value }),
      (err: ApiError) => setDiary((d) => (d.state === 'ready' ? d : { state: 'error', message: err.message })),
    );
  }, [base, date, view, chosen, showCancelled]);
  useEffect(load, [load]);
  useLiveEvents((e) => {
    if (e.name.startsWith('appointment.') || e.name.startsWith('closure.')) load();
    if (e.name === 'waitlist.match') setMatch(e.data);
  }, load);

  const nameOf = useCallback(
    (id: string) =>
      practitioners.find((p) => p.id === id)?.name ??
      (diary.state === 'ready' ? diary.value.practitioners.find((p) => p.id === id)?.name : undefined) ??
      '',
    [practitioners, diary],
  );
  const columns = useMemo<CalendarColumn[]>(() => {
    if (diary.state !== 'ready') return [];
    const { days, practitioners: shown } = diary.value;
    return days.flatMap((day) =>
      shown.map((p) => ({
        key: `${day}/${p.id}`,
        date: day,
        practitioner: p,
        heading:
          days.length === 1
            ? p.name
            : `${dayText(day, clinic.locale, 'short')}${shown.length > 1 ? ` · ${p.name}` : ''}`,
        label: `${p.name}, ${dayText(day, clinic.locale)}`,
      })),
    );
  }, [diary, clinic.locale]);

  const done = (text: string) => {
    setNotice(text);
    setMatch(null);
    setPanel(null);
    load();
  };
  const opened =
    panel?.kind === 'appointment' && diary.state === 'ready'
      ? diary.value.appointments.find((a) => a.id === panel.id)
      : undefined;
  // This week and the next, so "next Tuesday" is one click away.
  const fortnight = [...weekOf(date), ...weekOf(addDays(date, 7))];
  const step = view === 'week' ? 7 : 1;
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const switchView = (v: 'day' | 'week') => {
    setView(v);
    // A week is for one practitioner (or a few): start from the first when nobody is chosen.
    if (v === 'week' && chosen.length === 0 && practitioners[0]) setChosen([practitioners[0].id]);
  };

  return (
    <section aria-label="Diary" className="diary">
      <div className="diary-toolbar">
        <div className="row">
          <div className="segmented" role="group" aria-label="Which days">
            <button className="secondary" onClick={() => setDate(addDays(date, -step))}>
              {view === 'week' ? 'Previous week' : 'Previous day'}
            </button>
            <button className="secondary" onClick={() => setDate(today)} disabled={date === today}>
              Today
            </button>
            <button className="secondary" onClick={() => setDate(addDays(date, step))}>
              {view === 'week' ? 'Next week' : 'Next day'}
            </button>
          </div>
          <DateField label="Date" value={date} onChange={(d) => d && setDate(d)} />
          <div className="segmented" role="group" aria-label="View">
            <button aria-pressed={view === 'day'} onClick={() => switchView('day')}>
              Day
            </button>
            <button aria-pressed={view === 'week'} onClick={() => switchView('week')}>
              Week
            </button>
          </div>
          <fieldset className="choose">
            <legend>Practitioners{view === 'day' && chosen.length === 0 ? ' (everyone)' : ''}</legend>
            {practitioners
              .filter((p) => p.active || chosen.includes(p.id))
              .map((p) => (
                <label key={p.id} className="check">
                  <input type="checkbox" checked={chosen.includes(p.id)} onChange={() => toggle(p.id)} />
                  {p.name}
                </label>
              ))}
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={showCancelled} onChange={(e) => setShowCancelled(e.target.checked)} />
            Show cancelled
          </label>
          <button onClick={() => setPanel({ kind: 'book', start: { date } })}>Book an appointment</button>
        </div>
        {view === 'day' && (
          <div className="week-strip" role="group" aria-label="Days of this week and next">
            {fortnight.map((d) => (
              <button
                key={d}
                aria-pressed={d === date}
                className={d === today ? 'today' : undefined}
                onClick={() => setDate(d)}
              >
                {/* "Mon 30", and the month for screen readers: the name they hear starts with what is seen. */}
                {dayText(d, clinic.locale, 'narrow')}
                <span className="visually-hidden"> {monthOf(d, clinic.locale)}</span>
              </button>
            ))}
          </div>
        )}
      </div>
      <Outcome text={notice} />
      {match && (
        <MatchOffer
          base={base}
          match={match}
          clinic={clinic}
          onDone={(text) => {
            setMatch(null);
            setNotice(text);
            load();
          }}
        />
      )}
      <div className="diary-body">
        <Loaded load={diary} loading="Loading the diary…" retry={load}>
          {(value) => (
            <div className="diary-calendar">
              {value.appointments.length === 0 && (
                <p className="empty">No appointments {view === 'day' ? 'this day' : 'this week'}.</p>
              )}
              {value.practitioners.length === 0 ? (
                <p className="empty">No practitioners yet. An owner adds them in Settings.</p>
              ) : (
                <Calendar
                  diary={value}
                  columns={columns}
                  locale={clinic.locale}
                  now={now}
                  onGap={({ column, span, from }) =>
                    setPanel({
                      kind: 'book',
                      start: {
                        date: column.date,
                        practitionerId: column.practitioner.id,
                        after: instantAt(column.date, from, zone),
                        before: instantAt(column.date, span.to, zone),
                        gapText: `From ${clockText(from)} with ${column.practitioner.name}, ${dayText(column.date, clinic.locale)} (free until ${clockText(span.to)}).`,
                      },
                    })
                  }
                  onAppointment={(a) => setPanel({ kind: 'appointment', id: a.id })}
                  onDrop={(drop) => setPanel({ kind: 'drop', drop })}
                />
              )}
            </div>
          )}
        </Loaded>
        {panel?.kind === 'book' && (
          <BookForm
            key={JSON.stringify(panel.start)}
            base={base}
            timeZone={zone}
            locale={clinic.locale}
            practitioners={practitioners}
            types={types}
            start={panel.start}
            nameOf={nameOf}
            onBooked={done}
            onClose={() => setPanel(null)}
          />
        )}
        {opened && (
          <AppointmentPanel
            key={opened.id + opened.status + opened.startsAt}
            base={base}
            timeZone={zone}
            locale={clinic.locale}
            now={now}
            appointment={opened}
            practitioners={practitioners}
            types={types}
            nameOf={nameOf}
            onChanged={done}
            onClose={() => setPanel(null)}
          />
        )}
        {panel?.kind === 'drop' && (
          <DropConfirm
            base={base}
            drop={panel.drop}
            timeZone={zone}
            locale={clinic.locale}
            onMoved={done}
            onClose={() => setPanel(null)}
          />
        )}
      </div>
    </section>
  );
}

/** A drag ends here: the move is made only when confirmed, and a refusal says why. */
function DropConfirm(props: {
  base: string;
  drop: Drop;
  timeZone: string;
  locale: string;
  onMoved: (text: string) => void;
  onClose: () => void;
}) {
  const { appointment: a, column, minute } = props.drop;
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const where = `${dayText(column.date, props.locale)} ${clockText(minute)} with ${column.practitioner.name}`;
  async function move() {
    setBusy(true);
    setProblem('');
    try {
      await api('POST', `${props.base}/appointments/${a.id}/move`, {
        startsAt: instantAt(column.date, minute, props.timeZone),
        practitionerId: column.practitioner.id,
      });
      props.onMoved(`Moved ${a.patient.name} to ${where}.`);
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="panel" role="region" aria-label="Move appointment">
      <h2>Move appointment</h2>
      <p>
        Move {a.patient.name}'s {a.type.name} to {where}?
      </p>
      {problem && <p role="alert">{problem}</p>}
      <div className="row">
        <button onClick={move} disabled={busy}>
          Move
        </button>
        <button className="link" onClick={props.onClose}>
          Keep it where it was
        </button>
      </div>
    </div>
  );
}

type WaitlistMatch = EventPayloads['waitlist.match'];

/** A freed time fits someone on the waiting list: book it for them in one click, or text them the offer. */
function MatchOffer(props: {
  base: string;
  match: WaitlistMatch;
  clinic: ClinicSummary;
  onDone: (text: string) => void;
}) {
  const { match, base } = props;
  const { busy, error, run } = useSubmit();
  const when = timeIn(match.slot.startsAt, props.clinic.timeZone, props.clinic.locale);
  return (
    <div className="panel" role="region" aria-label="A freed time fits someone waiting">
      <p>
        A freed time fits <strong>{match.patientName}</strong> on the waiting list: {when}.
      </p>
      {error && <p role="alert">{error}</p>}
      <div className="row">
        <button
          disabled={busy}
          onClick={() =>
            run(async () => {
              await api('POST', `${base}/appointments`, {
                patientId: match.patientId,
                practitionerId: match.slot.practitionerId,
                typeId: match.slot.typeId,
                startsAt: match.slot.startsAt,
                waitlistEntryId: match.waitlistEntryId,
              });
              props.onDone(`Booked ${match.patientName} for ${when}; they are off the waiting list.`);
            })
          }
        >
          Book it for {match.patientName}
        </button>
        <button
          className="secondary"
          disabled={busy}
          onClick={() =>
            run(async () => {
              const sent = await api<WaitlistOfferSent>('POST', `${base}/waitlist/${match.waitlistEntryId}/offers`, {
                practitionerId: match.slot.practitionerId,
                startsAt: match.slot.startsAt,
              });
              props.onDone(
                sent.offered
                  ? `Texted ${match.patientName} the offer of ${when}.`
                  : `${match.patientName} has been texted this offer already.`,
              );
            })
          }
        >
          Text them the offer
        </button>
        <button className="link" onClick={() => props.onDone('')}>
          Not now
        </button>
      </div>
    </div>
  );
}
