// The calendar grid: a time axis and a column per practitioner (a day) or per day and
// practitioner (a week). Working time is white, the rest shaded; closures hatched;
// free gaps are buttons that book there; appointments are buttons that open their
// panel and can be dragged to another time or column. It scrolls inside its own area.
import { type PointerEvent as ReactPointerEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DiaryAppointment, DiaryDay, Named } from '../../../src/contracts/api';
import {
  axisHours,
  clockText,
  freeGaps,
  minuteAt,
  type Placed,
  placeInLanes,
  type Span,
  spanOn,
  wallClock,
} from './grid';

// 24 px a quarter hour: the shortest appointment or gap is a target of WCAG 2.2's minimum size.
const PX_PER_MINUTE = 1.6;
/** Room above the first hour and below the last, so their labels show whole. */
const PAD = 10;
const STATUS_TEXT: Record<string, string> = {
  booked: '',
  attended: 'Attended',
  no_show: 'Did not attend',
  cancelled: 'Cancelled',
};

export interface CalendarColumn {
  key: string;
  date: string;
  practitioner: Named;
  /** The column's head: "Omar Khan" on a day, "Tue 8 Jun" on a week. */
  heading: string;
  /** What a screen reader hears for the column: "Omar Khan, Tuesday 8 June". */
  label: string;
}

export interface Gap {
  column: CalendarColumn;
  span: Span;
  /** Where in the gap it was clicked, on the quarter hour (its start from the keyboard). */
  from: number;
}

export interface Drop {
  appointment: DiaryAppointment;
  column: CalendarColumn;
  minute: number;
}

export function Calendar(props: {
  diary: DiaryDay;
  columns: CalendarColumn[];
  locale: string;
  now: number;
  onGap: (gap: Gap) => void;
  onAppointment: (a: DiaryAppointment) => void;
  onDrop: (drop: Drop) => void;
}) {
  const { diary, columns } = props;
  const zone = diary.timeZone;
  const today = wallClock(props.now, zone);

  // Each appointment placed once (a day of 1,000 across 50 columns), then handed to its column.
  const byColumn = useMemo(() => {
    const out = new Map<string, Array<Span & { item: DiaryAppointment }>>();
    for (const a of diary.appointments) {
      const date = wallClock(a.startsAt, zone).date;
      const span = spanOn(date, a.startsAt, a.endsAt, zone);
      if (!span) continue;
      const key = `${a.practitionerId}/${date}`;
      const list = out.get(key) ?? [];
      list.push({ ...span, item: a });
      out.set(key, list);
    }
    return out;
  }, [diary.appointments, zone]);
  const laidOut = useMemo(
    () =>
      columns.map((column) => {
        const on = (startsAt: string, endsAt: string) => spanOn(column.date, startsAt, endsAt, zone);
        const working = diary.working
          .filter((w) => w.practitionerId === column.practitioner.id && w.date === column.date)
          .map((w) => on(w.startsAt, w.endsAt))
          .filter((s): s is Span => s !== null);
        const closures = diary.closures
          .filter((c) => c.practitionerId === null || c.practitionerId === column.practitioner.id)
          .map((c) => ({ closure: c, span: on(c.startsAt, c.endsAt) }))
          .filter((c): c is { closure: (typeof c)['closure']; span: Span } => c.span !== null);
        const appointments = byColumn.get(`${column.practitioner.id}/${column.date}`) ?? [];
        const notBefore = column.date < today.date ? 24 * 60 : column.date === today.date ? today.minute : 0;
        const gaps = freeGaps(
          working,
          [...appointments.filter((a) => a.item.status !== 'cancelled'), ...closures.map((c) => c.span)],
          notBefore,
        );
        return { column, working, closures, appointments: placeInLanes(appointments), gaps };
      }),
    [columns, diary, byColumn, zone, today.date, today.minute],
  );
  const axis = axisHours(
    laidOut.flatMap((c) => [...c.working, ...c.appointments.filter((a) => a.item.status !== 'cancelled')]),
  );
  const height = (axis.to - axis.from) * PX_PER_MINUTE + 2 * PAD;
  const top = (minute: number) => PAD + (Math.max(minute, axis.from) - axis.from) * PX_PER_MINUTE;
  const tall = (span: Span) =>
    Math.max(14, (Math.min(span.to, axis.to) - Math.max(span.from, axis.from)) * PX_PER_MINUTE);
  const hours: number[] = [];
  for (let m = axis.from; m <= axis.to; m += 60) hours.push(m);

  // Dragging: by pointer, snapped to the quarter hour; the drop is confirmed by the page.
  const columnEls = useRef(new Map<string, HTMLElement>());
  const drag = useRef<{ a: DiaryAppointment; x: number; y: number; grab: number; moved: boolean } | null>(null);
  const justDragged = useRef(false);
  const [ghost, setGhost] = useState<{ key: string; minute: number; length: number } | null>(null);

  const target = (e: ReactPointerEvent) => {
    for (const [key, el] of columnEls.current) {
      const r = el.getBoundingClientRect();
      if (e.clientX >= r.left && e.clientX < r.right) return { key, rect: r };
    }
    return null;
  };
  const onPointerDown = (e: ReactPointerEvent<HTMLButtonElement>, a: DiaryAppointment) => {
    if (a.status !== 'booked' || e.button !== 0) return;
    const r = e.currentTarget.getBoundingClientRect();
    drag.current = { a, x: e.clientX, y: e.clientY, grab: e.clientY - r.top, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent, span: Span) => {
    const d = drag.current;
    if (!d) return;
    if (!d.moved && Math.hypot(e.clientX - d.x, e.clientY - d.y) < 6) return;
    d.moved = true;
    const t = target(e);
    if (!t) return setGhost(null);
    setGhost({
      key: t.key,
      minute: minuteAt(e.clientY - t.rect.top - PAD - d.grab, axis, PX_PER_MINUTE),
      length: span.to - span.from,
    });
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (!d?.moved) return;
    justDragged.current = true;
    setTimeout(() => (justDragged.current = false), 0);
    const g = ghost;
    setGhost(null);
    const column = columns.find((c) => c.key === g?.key);
    if (g && column) props.onDrop({ appointment: d.a, column, minute: g.minute });
  };

  // The grid fits the window below where it starts; it scrolls inside itself.
  const scroller = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const fit = () => {
      const el = scroller.current;
      if (el) el.style.maxHeight = `${Math.max(320, window.innerHeight - el.getBoundingClientRect().top - 16)}px`;
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  });

  const timeRange = (s: Span) => `${clockText(s.from)} to ${clockText(s.to)}`;
  const gapButton = (column: CalendarColumn, g: Span) => (
    <button
      key={`g${g.from}`}
      className="calendar-gap"
      style={{ top: top(g.from), height: tall(g) }}
      aria-label={`Free ${timeRange(g)}, ${column.label}: book`}
      onClick={(e) => {
        // A click lands on a time (free times start there); the keyboard takes the whole gap.
        const at =
          e.detail > 0
            ? Math.max(
                g.from,
                Math.floor(
                  minuteAt(
                    e.clientY - e.currentTarget.getBoundingClientRect().top + top(g.from) - PAD,
                    axis,
                    PX_PER_MINUTE,
                    1,
                  ) / 15,
                ) * 15,
              )
            : g.from;
        props.onGap({ column, span: g, from: Math.min(at, g.to - 15) });
      }}
    >
      <span aria-hidden="true">Free {clockText(g.from)}</span>
    </button>
  );
  const appointmentButton = (column: CalendarColumn, p: Placed<DiaryAppointment>) => {
    const a = p.item;
    const status = STATUS_TEXT[a.status] ?? a.status;
    return (
      <button
        key={a.id}
        className={`calendar-appointment status-${a.status}`}
        style={{
          top: top(p.from),
          height: tall(p),
          left: `calc(${(100 * p.lane) / p.lanes}% + 2px)`,
          width: `calc(${100 / p.lanes}% - 4px)`,
        }}
        onClick={() => {
          if (!justDragged.current) props.onAppointment(a);
        }}
        onPointerDown={(e) => onPointerDown(e, a)}
        onPointerMove={(e) => onPointerMove(e, p)}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          drag.current = null;
          setGhost(null);
        }}
      >
        {/* Screen readers hear it whole ("14:00 to 14:30, Jane Doe, Check-up, Omar Khan, did not attend"):
            what is seen, in the same order, with the end time and practitioner between. */}
        <span className="visually-hidden">
          {`${clockText(p.from)} to ${clockText(p.to)}, ${a.patient.name}, ${a.type.name}, ${column.practitioner.name}${status ? `, ${status}` : ''}`}
        </span>
        <span aria-hidden="true">
          <span className="calendar-time">{clockText(p.from)}</span> {a.patient.name}
          <span className="calendar-detail">
            {' '}
            · {a.type.name}
            {status && ` · ${status}`}
          </span>
        </span>
      </button>
    );
  };

  return (
    <div className="calendar">
      {/* The region scrolls: focusable, so the keyboard can scroll it too. */}
      <div className="calendar-scroll" ref={scroller} role="region" aria-label="Calendar" tabIndex={0}>
        <div
          className="calendar-grid"
          style={{ gridTemplateColumns: `3.5rem repeat(${columns.length}, minmax(9rem, 1fr))` }}
        >
          <div className="calendar-corner" />
          {columns.map((c) => (
            <div key={c.key} className="calendar-head">
              {c.heading}
            </div>
          ))}
          <div className="calendar-axis" style={{ height }} aria-hidden="true">
            {hours.map((m) => (
              <span key={m} style={{ top: top(m) }}>
                {clockText(m)}
              </span>
            ))}
          </div>
          {laidOut.map(({ column, working, closures, appointments, gaps }) => (
            <div
              key={column.key}
              className="calendar-column"
              role="group"
              aria-label={column.label}
              style={{ height }}
              ref={(el) => {
                if (el) columnEls.current.set(column.key, el);
                else columnEls.current.delete(column.key);
              }}
            >
              {hours.map((m) => (
                <div key={m} className="calendar-hour" style={{ top: top(m) }} />
              ))}
              {working.map((s) => (
                <div key={`w${s.from}`} className="calendar-working" style={{ top: top(s.from), height: tall(s) }} />
              ))}
              {closures.map(({ closure, span }) => (
                <div
                  key={closure.id}
                  className="calendar-closure"
                  style={{ top: top(span.from), height: tall(span) }}
                  title={closure.reason ?? 'Closed'}
                >
                  Closed{closure.reason ? `: ${closure.reason}` : ''}
                </div>
              ))}
              {/* In time order, so the keyboard goes through the day as it runs. */}
              {[
                ...gaps.map((g) => ({ from: g.from, node: gapButton(column, g) })),
                ...appointments.map((p) => ({ from: p.from, node: appointmentButton(column, p) })),
              ]
                .sort((x, y) => x.from - y.from)
                .map((x) => x.node)}
              {ghost?.key === column.key && (
                <div
                  className="calendar-ghost"
                  style={{ top: top(ghost.minute), height: ghost.length * PX_PER_MINUTE }}
                  aria-hidden="true"
                >
                  {clockText(ghost.minute)}
                </div>
              )}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
