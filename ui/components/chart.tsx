// The 30-day trend chart, drawn by uPlot (small, canvas, no dependencies).
import { useEffect, useRef } from "preact/hooks";
import UPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { TrendDay } from "./spark.tsx";

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Flaky, broken and quarantined tests per day, summed over the days' projects. */
export function TrendChart({ trend, title }: { trend: TrendDay[]; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const resize = () => plot.setSize({ width: box.current?.clientWidth ?? 300, height: 220 });
    const xs = trend.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const axis = { stroke: css("--muted"), grid: { stroke: css("--line") }, ticks: { stroke: css("--line") } };
    const plot = new UPlot(
      {
        width: box.current.clientWidth || 300,
        height: 220,
        title,
        series: [
          {},
          { label: "flaky", stroke: css("--flaky"), width: 2 },
          { label: "broken", stroke: css("--fail"), width: 2 },
          { label: "quarantined", stroke: css("--quarantine"), width: 2 },
        ],
        axes: [axis, axis],
      },
      [xs, trend.map((d) => d.flaky), trend.map((d) => d.broken), trend.map((d) => d.quarantined)],
      box.current,
    );
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      plot.destroy();
    };
  }, [trend, title]);
  // The plot takes the inner box's width: the card's padding stays outside it.
  return (
    <div class="card">
      <div class="chart" ref={box} role="img" aria-label={`${title}: flaky, broken and quarantined tests per day`} />
    </div>
  );
}
