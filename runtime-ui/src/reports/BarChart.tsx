// A small SVG chart of labelled values: horizontal bars, or a funnel (bars centered, widest
// first as the data comes). Enough for report rows and pipeline stages without a chart library.
export interface Bar {
  label: string;
  value: number;
  color?: string | undefined;
}

const ROW = 26;
const LABEL = 200;
const WIDTH = 760;

export function BarChart({ bars, funnel = false, format, testId = 'bar-chart' }: { bars: Bar[]; funnel?: boolean; format(value: number): string; testId?: string }) {
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  const area = WIDTH - LABEL - 110;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${bars.length * ROW + 4}`} width="100%" style={{ maxWidth: WIDTH, display: 'block' }} role="img" data-testid={testId}>
      {bars.map((bar, n) => {
        const width = Math.max(2, (Math.abs(bar.value) / max) * area);
        const x = funnel ? LABEL + (area - width) / 2 : LABEL;
        const y = n * ROW + 2;
        return (
          <g key={`${bar.label}${n}`} data-testid={`${testId}-bar`}>
            <text x={LABEL - 8} y={y + ROW / 2 + 4} textAnchor="end" fontSize={12} fill="#595959">
              {bar.label.length > 30 ? `${bar.label.slice(0, 29)}…` : bar.label}
            </text>
            <rect x={x} y={y + 3} width={width} height={ROW - 8} rx={3} fill={bar.color ?? '#1677ff'} />
            <text x={funnel ? LABEL + area + 8 : x + width + 6} y={y + ROW / 2 + 4} fontSize={12} fill="#262626">
              {format(bar.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
