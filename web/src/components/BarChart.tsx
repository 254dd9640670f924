// A small SVG bar chart: stacked series, an optional target line, every bar titled
// with its figure, and the same figures as a table — always there for screen readers,
// shown on request for anyone who wants the exact numbers.
// Hand-drawn rather than a charting library: these are plain bars, and SVG keeps
// them sharp, printable and inside the page's Content Security Policy.
// No viewBox: the SVG is drawn in CSS pixels, so its labels keep their size (12 px)
// however wide the chart is; across, bars are placed in percentages of its width.
import { useId, useState } from 'react';
import { labelledBars } from './chart-labels';

export interface Series {
  name: string;
  values: Array<number | null>;
  colour: string;
}

interface Props {
  title: string;
  /** What the axis shows under each bar ("7 Dec", "09h"). */
  labels: string[];
  /** Each bar's full name, for the table and the bar's title ("Mon 7 Dec 2026"); the labels by default. */
  names?: string[];
  /** The table's heading over the names ("Day", "Hour"). */
  namesHeading?: string;
  series: Series[];
  /** Shows each value as people read it (a percentage, seconds…). */
  format?: (value: number) => string;
  target?: { value: number; label: string };
  /** The highest value the axis must show (a rate's 100 %, say). */
  max?: number;
  /** Side by side instead of stacked, for series that are not parts of one whole. */
  grouped?: boolean;
}

const HEIGHT = 200;
const PAD = { top: 18, bottom: 26 };
export function BarChart(props: Props) {
  const { title, labels, series, format = String, target, max, grouped = false } = props;
  const names = props.names ?? labels;
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  const totals = labels.map((_, i) =>
    grouped
      ? Math.max(0, ...series.map((s) => s.values[i] ?? 0))
      : series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0),
  );
  const top = Math.max(max ?? 0, target?.value ?? 0, ...totals) || 1;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = 100 / Math.max(1, labels.length);
  const barW = slot * 0.7;
  const pc = (v: number) => `${v}%`;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelled = new Set(labelledBars(labels.length));

  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {series.length > 1 && (
        <ul className="legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.name}>
              <span style={{ background: s.colour }} /> {s.name}
            </li>
          ))}
        </ul>
      )}
      <div className="chart-plot">
        <svg width="100%" height={HEIGHT} role="img" aria-label={title}>
          <line x1="0" x2="100%" y1={y(0)} y2={y(0)} stroke="#9aa4ae" />
          <text x={-6} y={y(top) + 4} textAnchor="end" className="axis">
            {format(top)}
          </text>
          <text x={-6} y={y(0) + 4} textAnchor="end" className="axis">
            {format(0)}
          </text>
          {labels.map((label, i) => {
            let base = 0;
            const x = i * slot + (slot - barW) / 2;
            return (
              <g key={i}>
                {series.map((s, k) => {
                  const v = s.values[i];
                  if (v === null || v === undefined || v === 0) return null;
                  const w = grouped ? barW / series.length : barW;
                  const rect = (
                    <rect
                      key={s.name}
                      x={pc(grouped ? x + k * w : x)}
                      y={y(base + v)}
                      width={pc(w)}
                      height={y(base) - y(base + v)}
                      fill={s.colour}
                    >
                      <title>{`${names[i]}: ${s.name} ${format(v)}`}</title>
                    </rect>
                  );
                  if (!grouped) base += v;
                  return rect;
                })}
                {labelled.has(i) && (
                  <text x={pc(x + barW / 2)} y={HEIGHT - 8} textAnchor="middle" className="axis">
                    {label}
                  </text>
                )}
              </g>
            );
          })}
          {target && (
            <g>
              <line x1="0" x2="100%" y1={y(target.value)} y2={y(target.value)} stroke="#a40e26" strokeDasharray="6 4" />
              <text x="100%" y={y(target.value) - 4} textAnchor="end" className="axis target">
                {target.label}
              </text>
            </g>
          )}
        </svg>
      </div>
      <button type="button" className="link chart-toggle" aria-expanded={asTable} onClick={() => setAsTable(!asTable)}>
        {asTable ? 'Hide the table' : 'Show as a table'}
      </button>
      {/* Hidden, the table stays in the page for screen readers; shown, a wide one scrolls inside its own box. */}
      <div
        className={asTable ? 'chart-table' : 'visually-hidden'}
        {...(asTable ? { role: 'region', tabIndex: 0, 'aria-label': `${title}, as a table` } : {})}
      >
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.namesHeading ?? ''}</th>
              {series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {names.map((name, i) => (
              <tr key={i}>
                <th scope="row">{name}</th>
                {series.map((s) => {
                  const v = s.values[i];
                  return <td key={s.name}>{v === null || v === undefined ? '–' : format(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
