import { useCallback, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../../api';
import { BarChart } from '../../components/BarChart';
import { Loaded } from '../../components/Loaded';
import type { ClinicSummary, StatisticsReport } from '../../../../src/contracts/api';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
const daysBefore = (date: string, n: number) => isoDay(new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000));
const percent = (v: number) => `${Math.round(v * 100)} %`;
const secondsText = (v: number | null) =>
  v === null ? '–' : v < 60 ? `${v} s` : `${Math.floor(v / 60)} min ${v % 60} s`;
const rateText = (v: number | null) => (v === null ? '–' : percent(v));

/** The owner's Monday view: a period's calls, outcomes and NHS England's two telephony targets, as charts and CSV. */
export function Statistics({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}/statistics`;
  const today = todayIn(clinic.timeZone);
  const [period, setPeriod] = useState({ from: daysBefore(today, 27), to: today });
  const [report, setReport] = useState<Load<StatisticsReport>>({ state: 'loading' });
  const query = new URLSearchParams(period).toString();

  const load = useCallback(() => {
    setReport({ state: 'loading' });
    loadInto(api<StatisticsReport>('GET', `${base}?${query}`), setReport, (r) => r);
  }, [base, query]);
  useEffect(load, [load]);

  const preset = (days: number) => setPeriod({ from: daysBefore(today, days - 1), to: today });
  return (
    <section aria-label="Statistics">
      <div className="row">
        <label>
          From
          <input
            type="date"
            value={period.from}
            max={period.to}
            onChange={(e) => e.target.value && setPeriod({ ...period, from: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={period.to}
            min={period.from}
            onChange={(e) => e.target.value && setPeriod({ ...period, to: e.target.value })}
          />
        </label>
        <button type="button" className="link" onClick={() => preset(7)}>
          Last 7 days
        </button>
        <button type="button" className="link" onClick={() => preset(28)}>
          Last 28 days
        </button>
        <a href={`${base}.csv?${query}`} download>
          Download CSV
        </a>
      </div>
      <Loaded load={report} loading="Loading statistics…" retry={load}>
        {(r) => <ReportView report={r} />}
      </Loaded>
    </section>
  );
}

function ReportView({ report }: { report: StatisticsReport }) {
  const t = report.totals;
  const days = report.days.map((d) => d.date.slice(5));
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
          <span className="note">
            target {percent(report.targets.answeredWithin20s)}
            {within && ` · ${within}`}
          </span>
        </div>
        <div className={abandonment}>
          <dt>Abandoned</dt>
          <dd>{rateText(t.abandonmentRate)}</dd>
          <span className="note">
            target at most {percent(report.targets.abandonment)}
            {abandonment && ` · ${abandonment}`}
          </span>
        </div>
        <div>
          <dt>Average time to answer</dt>
          <dd>{secondsText(t.averageAnswerSeconds)}</dd>
          <span className="note">longest {secondsText(t.longestAnswerSeconds)}</span>
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
          <span className="note">callers who said an urgent phrase</span>
        </div>
        <div>
          <dt>Call-backs</dt>
          <dd>
            {t.callBacksMade} of {t.callBacksRequested}
          </dd>
          <span className="note">made of requested</span>
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
          labels={days}
          series={[{ name: 'Calls', values: report.days.map((d) => d.calls), colour: '#0b5cad' }]}
        />
        <BarChart
          title="Calls by hour of day"
          labels={t.callsByHour.map((_, h) => `${String(h).padStart(2, '0')}h`)}
          series={[{ name: 'Calls', values: t.callsByHour, colour: '#0b5cad' }]}
        />
        <BarChart
          title="Outcomes per day"
          labels={days}
          series={[
            { name: 'Answered', values: report.days.map((d) => d.answered), colour: '#1f7a3a' },
            { name: 'Booked or changed', values: report.days.map((d) => d.bookedOrChanged), colour: '#0b5cad' },
            { name: 'Voicemail', values: report.days.map((d) => d.voicemails), colour: '#b8860b' },
            { name: 'Abandoned', values: report.days.map((d) => d.abandoned), colour: '#a40e26' },
          ]}
        />
        <BarChart
          title="Answered within 20 seconds"
          labels={days}
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
          labels={days}
          series={[{ name: 'Abandoned', values: report.days.map((d) => d.abandonmentRate), colour: '#a40e26' }]}
          format={percent}
          target={{ value: report.targets.abandonment, label: `target ${percent(report.targets.abandonment)}` }}
        />
        <BarChart
          title="Average time to answer (seconds)"
          labels={days}
          series={[{ name: 'Seconds', values: report.days.map((d) => d.averageAnswerSeconds), colour: '#6b4fa0' }]}
        />
        <BarChart
          title="Average call length (seconds)"
          labels={days}
          series={[{ name: 'Seconds', values: report.days.map((d) => d.averageCallSeconds), colour: '#445' }]}
        />
        <BarChart
          title="Call-backs"
          grouped
          labels={days}
          series={[
            { name: 'Requested', values: report.days.map((d) => d.callBacksRequested), colour: '#b8860b' },
            { name: 'Made', values: report.days.map((d) => d.callBacksMade), colour: '#1f7a3a' },
          ]}
        />
      </div>
    </>
  );
}
