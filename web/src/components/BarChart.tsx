// A small SVG bar chart: stacked series, an optional target line, every bar titled
// with its figure, and the same figures as a table for screen readers (and tests).
// Hand-drawn rather than a charting library: these are plain bars, and SVG keeps
// them sharp, printable and inside the page's Content Security Policy.

export interface Series {
  name: string;
  values: Array<number | null>;
  colour: string;
}

interface Props {
  title: string;
  labels: string[];
  series: Series[];
  /** Shows each value as people read it (a percentage, seconds…). */
  format?: (value: number) => string;
  target?: { value: number; label: string };
  /** The highest value the axis must show (a rate's 100 %, say). */
  max?: number;
  /** Side by side instead of stacked, for series that are not parts of one whole. */
  grouped?: boolean;
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 44 };

export function BarChart({ title, labels, series, format = String, target, max, grouped = false }: Props) {
  const totals = labels.map((_, i) =>
    grouped
      ? Math.max(0, ...series.map((s) => s.values[i] ?? 0))
      : series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0),
  );
  const top = Math.max(max ?? 0, target?.value ?? 0, ...totals) || 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  // Label every nth bar so 31 days or 24 hours stay readable.
  const every = Math.ceil(labels.length / 12);
  const id = title.replace(/\W+/g, '-').toLowerCase();

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
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} stroke="#9aa4ae" />
        <text x={PAD.left - 6} y={y(top) + 4} textAnchor="end" className="axis">
          {format(top)}
        </text>
        <text x={PAD.left - 6} y={y(0)} textAnchor="end" className="axis">
          {format(0)}
        </text>
        {labels.map((label, i) => {
          let base = 0;
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={label}>
              {series.map((s, k) => {
                const v = s.values[i];
                if (v === null || v === undefined || v === 0) return null;
                const w = grouped ? barW / series.length : barW;
                const rect = (
                  <rect
                    key={s.name}
                    x={grouped ? x + k * w : x}
                    y={y(base + v)}
                    width={w}
                    height={y(base) - y(base + v)}
                    fill={s.colour}
                  >
                    <title>{`${label}: ${s.name} ${format(v)}`}</title>
                  </rect>
                );
                if (!grouped) base += v;
                return rect;
              })}
              {i % every === 0 && (
                <text x={x + barW / 2} y={HEIGHT - 10} textAnchor="middle" className="axis">
                  {label}
                </text>
              )}
            </g>
          );
        })}
        {target && (
          <g>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(target.value)}
              y2={y(target.value)}
              stroke="#a40e26"
              strokeDasharray="6 4"
            />
            <text x={WIDTH - PAD.right} y={y(target.value) - 4} textAnchor="end" className="axis target">
              {target.label}
            </text>
          </g>
        )}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{''}</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((s) => {
                const v = s.values[i];
                return <td key={s.name}>{v === null || v === undefined ? '–' : format(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
