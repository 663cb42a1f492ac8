// Plain-words formatting shared by the pages.

/** "3 min ago", "2 d ago", "in 5 d" for a future time; "never" for null. */
export function ago(iso: string | number | null | undefined): string {
  if (iso == null) return "never";
  const ms = Date.now() - (typeof iso === "number" ? iso : Date.parse(iso));
  if (ms < -45_000) return `in ${ago(Date.now() + ms).replace(/ ago$/, "")}`;
  const s = ms / 1000;
  if (s < 45) return "just now";
  const min = s / 60;
  if (min < 60) return `${Math.max(1, Math.round(min))} min ago`;
  const h = min / 60;
  if (h < 24) return `${Math.round(h)} h ago`;
  const d = h / 24;
  return d < 60 ? `${Math.round(d)} d ago` : `${Math.round(d / 30)} mo ago`;
}

/** A share as a percentage: 0.123 → "12.3 %". */
export const pct = (x: number | null | undefined): string =>
  x == null ? "–" : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

/** A score with its interval: "0.62 (0.41–0.80)". */
export const scoreText = (score: number, interval?: [number, number] | number[]): string =>
  interval ? `${score.toFixed(2)} (${interval[0].toFixed(2)}–${interval[1].toFixed(2)})` : score.toFixed(2);

/** A commit SHA cut to 8 characters. */
export const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 8) : "–");

/** An ISO date-time shown in the reader's locale. */
export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : "–");
