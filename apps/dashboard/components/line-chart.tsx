/** One line of a chart: its name, its values (null where there is nothing to show) and its dash. */
export interface ChartLine {
  name: string;
  values: (number | null)[];
  dash?: string;
}

const WIDTH = 640;
const HEIGHT = 160;
const PAD = { left: 48, right: 8, top: 8, bottom: 20 };

/**
 * A small hand-written SVG line chart (no chart library in the bundle; it renders on the server).
 * The SVG is an image with a summary for screen readers; the page gives the numbers as a table.
 */
export function LineChart({
  title,
  unit,
  labels,
  lines,
}: {
  title: string;
  unit: string;
  labels: string[];
  lines: ChartLine[];
}) {
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const count = Math.max(1, labels.length - 1);
  const x = (i: number) => PAD.left + (i / count) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const summary = lines
    .map((l) => {
      const values = l.values.filter((v): v is number => v !== null);
      const peak = values.length ? Math.max(...values) : null;
      return `${l.name}: peak ${peak === null ? "none" : `${round(peak)} ${unit}`}`;
    })
    .join("; ");
  return (
    <figure className="chart">
      <figcaption>
        <strong>{title}</strong>
        {lines.length > 1 ? <span className="muted"> · {lines.map((l) => l.name).join(", ")}</span> : null}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title} over the window. ${summary}.`}>
        <line className="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        <line className="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max)} y2={y(max)} />
        <text x={PAD.left - 4} y={y(max) + 4} textAnchor="end">
          {round(max)}
        </text>
        <text x={PAD.left - 4} y={y(0) + 4} textAnchor="end">
          0
        </text>
        <text x={PAD.left} y={HEIGHT - 4}>
          {labels[0]}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 4} textAnchor="end">
          {labels.at(-1)}
        </text>
        {lines.map((l) => (
          <g key={l.name}>
            <path
              d={pathOf(l.values, x, y)}
              fill="none"
              stroke="currentColor"
              strokeWidth={1.6}
              strokeDasharray={l.dash}
            />
            {/* A step with data between two without is no line: a dot shows it. */}
            {l.values.map((v, i) =>
              v !== null && (l.values[i - 1] ?? null) === null && (l.values[i + 1] ?? null) === null ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: a step's index is its identity on this axis
                <circle key={i} cx={x(i)} cy={y(v)} r={2.5} fill="currentColor" />
              ) : null,
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** Segments between nulls: a step without data is a gap, not a fall to zero. */
function pathOf(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    d += `${drawing ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    drawing = true;
  });
  return d;
}

function round(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 100) / 100);
}
