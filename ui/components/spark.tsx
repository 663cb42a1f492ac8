// A tiny SVG sparkline of a project's 30-day trend (flaky, broken, quarantined), no library needed.

/** One day of a trend. */
export interface TrendDay {
  day: string;
  flaky: number;
  broken: number;
  quarantined: number;
  failures?: number;
}

const SERIES = ["flaky", "broken", "quarantined"] as const;

/** Lines for flaky, broken and quarantined over the days given. */
export function Sparkline({ trend, label }: { trend: TrendDay[]; label: string }) {
  if (trend.length < 2) return null;
  const max = Math.max(1, ...trend.flatMap((d) => SERIES.map((s) => d[s])));
  const x = (i: number) => (i / (trend.length - 1)) * 100;
  const y = (v: number) => 38 - (v / max) * 36;
  return (
    <svg class="spark" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label={label}>
      {SERIES.map((s) => (
        <polyline
          key={s}
          class={s}
          fill="none"
          stroke-width="1.5"
          vector-effect="non-scaling-stroke"
          points={trend.map((d, i) => `${x(i)},${y(d[s])}`).join(" ")}
        />
      ))}
    </svg>
  );
}
