import { useEffect, useState } from 'react';
import { api, type ApiError, type Load } from '../../api';
import { BarChart } from '../../components/BarChart';
import { DateField } from '../../components/DateField';
import { Loaded } from '../../components/Loaded';
import { calendarDate, shortDate } from '../../format/dates';
import type { ClinicSummary, NhsBucket, StatisticsReport } from '../../../../src/contracts/api';
import { TableScroll } from '../../components/TableScroll';

const NHS_CLASSES = [
  ['CBT001', 'Inbound calls', 'every call to your numbers'],
  ['CBT002', 'Ended in the phone menu', 'self-service, opening hours, out of hours'],
  ['CBT003', 'Answered by a person', 'in the browser or at the desk phone'],
  ['CBT004', 'Missed', 'wanted a person and was not answered, voicemail included'],
  ['CBT005', 'Call-back requested', 'from the queue'],
  ['CBT006', 'Call-backs dialled', 'from the queue'],
  ['CBT006_connected', 'Call-backs connected', 'answered and confirmed by the patient'],
  ['CBT007', 'Answered calls by duration', 'equals CBT003'],
] as const;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
const daysBefore = (date: string, n: number) => isoDay(new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000));
const percent = (v: number) => `${Math.round(v * 100)} %`;
const secondsText = (v: number | null) =>
  v === null ? '–' : v < 60 ? `${v} s` : `${Math.floor(v / 60)} min ${v % 60} s`;
const rateText = (v: number | null) => (v === null ? '–' : percent(v));

type Period = { from: string; to: string };

/** The owner's Monday view: a period's calls, outcomes and NHS England's two telephony targets, as charts and CSV. */
export function Statistics({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}/statistics`;
  const today = todayIn(clinic.timeZone);
  // Null until the owner chooses: the server picks the days that have calls (src/statistics/period.ts).
  const [chosen, setChosen] = useState<Period | null>(null);
  const [report, setReport] = useState<Load<StatisticsReport>>({ state: 'loading' });
  const [shown, setShown] = useState<Period | null>(null);
  const [attempt, setAttempt] = useState(0);
  const query = new URLSearchParams(Object.entries(chosen ?? {}).filter(([, v]) => v)).toString();

  useEffect(() => {
    // Only the latest request's answer counts: a slower earlier one must not overwrite it.
    let latest = true;
    setReport({ state: 'loading' });
    api<StatisticsReport>('GET', query ? `${base}?${query}` : base).then(
      (r) => {
        if (!latest) return;
        setReport({ state: 'ready', value: r });
        setShown({ from: r.from, to: r.to });
      },
      (err: ApiError) => latest && setReport({ state: 'error', message: err.message }),
    );
    return () => {
      latest = false;
    };
  }, [base, query, attempt]);

  const period = chosen ?? shown ?? { from: '', to: '' };
  const choose = (change: Partial<Period>) => setChosen({ ...period, ...change });
  const preset = (days: number) => setChosen({ from: daysBefore(today, days - 1), to: today });
  return (
    <section aria-label="Statistics">
      <div className="row">
        <DateField
          label="From"
          value={period.from}
          locale={clinic.locale}
          onChange={(from) => from && choose({ from })}
        />
        <DateField label="To" value={period.to} locale={clinic.locale} onChange={(to) => to && choose({ to })} />
        <button type="button" className="link" onClick={() => preset(7)}>
          Last 7 days
        </button>
        <button type="button" className="link" onClick={() => preset(28)}>
          Last 28 days
        </button>
        <a href={query ? `${base}.csv?${query}` : `${base}.csv`} download>
          Download CSV
        </a>
      </div>
      <Loaded load={report} loading="Loading statistics…" retry={() => setAttempt((n) => n + 1)}>
        {(r) => (
          <>
            <ReportView report={r} locale={clinic.locale} />
            <NhsTelephony report={r} clinicId={clinic.id} month={r.to.slice(0, 7)} />
          </>
        )}
      </Loaded>
    </section>
  );
}

function ReportView({ report, locale }: { report: StatisticsReport; locale: string }) {
  const t = report.totals;
  // The axis says "7 Dec" (en-GB) or "Dec 7" (en-US); the table and the bars' titles the whole date.
  const days = report.days.map((d) => shortDate(d.date, locale));
  const perDay = { labels: days, names: report.days.map((d) => calendarDate(d.date, locale)), namesHeading: 'Day' };
  const met = (value: number | null, target: number, higherIsBetter: boolean) =>
    value === null ? '' : (higherIsBetter ? value >= target : value <= target) ? 'met' : 'missed';
  const within = met(t.answeredWithin20sRate, report.targets.answeredWithin20s, true);
  const abandonment = met(t.abandonmentRate, report.targets.abandonment, false);
  return (
    <>
      <dl className="figures" aria-label="Period totals">
        <div>
          <dt>Calls</dt>
          <dd>{t.calls}</dd>
        </div>
        <div className={within}>
          <dt>Answered within 20 s</dt>
          <dd>{rateText(t.answeredWithin20sRate)}</dd>
          <dd className="note">
            target {percent(report.targets.answeredWithin20s)}
            {within && ` · ${within}`}
          </dd>
        </div>
        <div className={abandonment}>
          <dt>Abandoned</dt>
          <dd>{rateText(t.abandonmentRate)}</dd>
          <dd className="note">
            target at most {percent(report.targets.abandonment)}
            {abandonment && ` · ${abandonment}`}
          </dd>
        </div>
        <div>
          <dt>Average time to answer</dt>
          <dd>{secondsText(t.averageAnswerSeconds)}</dd>
          <dd className="note">longest {secondsText(t.longestAnswerSeconds)}</dd>
        </div>
        <div>
          <dt>Average wait before hanging up</dt>
          <dd>{secondsText(t.averageAbandonedWaitSeconds)}</dd>
        </div>
        <div>
          <dt>Booked or changed by phone</dt>
          <dd>{t.bookedOrChanged}</dd>
        </div>
        <div>
          <dt>Emergency advice given</dt>
          <dd>{t.urgent}</dd>
          <dd className="note">callers who said an urgent phrase</dd>
        </div>
        <div>
          <dt>Call-backs</dt>
          <dd>
            {t.callBacksMade} of {t.callBacksRequested}
          </dd>
          <dd className="note">made of requested</dd>
        </div>
        <div>
          <dt>Average call length</dt>
          <dd>{secondsText(t.averageCallSeconds)}</dd>
        </div>
      </dl>
      <p className="note">
        Rates are of the {t.askedForReception} calls that asked for a person in reception hours. Answered within 20 s
        counts from when the caller asked.
      </p>
      <div className="charts">
        <BarChart
          title="Calls per day"
          {...perDay}
          series={[{ name: 'Calls', values: report.days.map((d) => d.calls), colour: '#0b5cad' }]}
        />
        <BarChart
          title="Calls by hour of day"
          labels={t.callsByHour.map((_, h) => `${String(h).padStart(2, '0')}h`)}
          namesHeading="Hour"
          series={[{ name: 'Calls', values: t.callsByHour, colour: '#0b5cad' }]}
        />
        <BarChart
          title="Outcomes per day"
          {...perDay}
          series={[
            { name: 'Answered', values: report.days.map((d) => d.answered), colour: '#1f7a3a' },
            { name: 'Booked or changed', values: report.days.map((d) => d.bookedOrChanged), colour: '#0b5cad' },
            { name: 'Voicemail', values: report.days.map((d) => d.voicemails), colour: '#b8860b' },
            { name: 'Abandoned', values: report.days.map((d) => d.abandoned), colour: '#a40e26' },
          ]}
        />
        <BarChart
          title="Answered within 20 seconds"
          {...perDay}
          series={[
            {
              name: 'Answered within 20 s',
              values: report.days.map((d) => d.answeredWithin20sRate),
              colour: '#1f7a3a',
            },
          ]}
          format={percent}
          max={1}
          target={{
            value: report.targets.answeredWithin20s,
            label: `target ${percent(report.targets.answeredWithin20s)}`,
          }}
        />
        <BarChart
          title="Abandonment"
          {...perDay}
          series={[{ name: 'Abandoned', values: report.days.map((d) => d.abandonmentRate), colour: '#a40e26' }]}
          format={percent}
          target={{ value: report.targets.abandonment, label: `target ${percent(report.targets.abandonment)}` }}
        />
        <BarChart
          title="Average time to answer (seconds)"
          {...perDay}
          series={[{ name: 'Seconds', values: report.days.map((d) => d.averageAnswerSeconds), colour: '#6b4fa0' }]}
        />
        <BarChart
          title="Average call length (seconds)"
          {...perDay}
          series={[{ name: 'Seconds', values: report.days.map((d) => d.averageCallSeconds), colour: '#445' }]}
        />
        <BarChart
          title="Call-backs"
          grouped
          {...perDay}
          series={[
            { name: 'Requested', values: report.days.map((d) => d.callBacksRequested), colour: '#b8860b' },
            { name: 'Made', values: report.days.map((d) => d.callBacksMade), colour: '#1f7a3a' },
          ]}
        />
      </div>
    </>
  );
}

function BucketTable({ title, buckets }: { title: string; buckets: NhsBucket[] }) {
  return (
    <TableScroll label={title}>
      <table className="compact">
        <caption>{title}</caption>
        <thead>
          <tr>
            {buckets.map((b) => (
              <th key={b.label} scope="col">
                {b.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {buckets.map((b) => (
              <td key={b.label}>{b.calls}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </TableScroll>
  );
}

/** NHS England's cloud-based telephony view of the period, and the month's file for a practice with an ODS code. */
function NhsTelephony({ report, clinicId, month }: { report: StatisticsReport; clinicId: string; month: string }) {
  const nhs = report.nhs;
  return (
    <section aria-labelledby="nhs-title" className="nhs">
      <h2 id="nhs-title">NHS cloud-based telephony</h2>
      {!nhs ? (
        <p className="note">
          Some days of this period were counted before the NHS figures were, and their calls have since been deleted.
        </p>
      ) : (
        <>
          <table aria-label="NHS indicators">
            <tbody>
              {NHS_CLASSES.map(([code, name, note]) => (
                <tr key={code}>
                  <th scope="row">
                    {code.replace('_connected', '')} {name}
                    <span className="note"> — {note}</span>
                  </th>
                  <td>{nhs.indicators[code]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <BucketTable title="Inbound calls by time of day (CBT001)" buckets={nhs.bands} />
          <BucketTable title="Answered calls by wait (CBT003)" buckets={nhs.answeredByWait} />
          <BucketTable title="Missed calls by wait before ending (CBT004)" buckets={nhs.missedByWait} />
          <BucketTable title="Answered calls by duration (CBT007)" buckets={nhs.answeredByDuration} />
        </>
      )}
      <p>
        <a href={`/api/clinics/${clinicId}/statistics/nhs.csv?month=${month}`} download>
          Download {month} for NHS England (CSV)
        </a>{' '}
        <span className="note">needs the practice's ODS code in Settings (English GP practices).</span>
      </p>
    </section>
  );
}
