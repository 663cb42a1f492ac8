/** Small value readers shared by the parsers: bounded text, durations, line numbers. */

/** Durations above this (about 11.5 days) are nonsense in a test report and read as unknown. */
const MAX_DURATION_MS = 1_000_000_000;

/** Cuts text to `max` characters, saying how much was dropped, so huge logs never fail an upload. */
export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n…[truncated ${text.length - max} characters]`;
}

/** Milliseconds from a number of milliseconds; null for NaN, negative or absurd values. */
export function sanitizeMs(ms: number): number | null {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS) return null;
  return Math.round(ms * 1000) / 1000; // microsecond precision, no float noise (0.1084258 s → 108.4258 ms)
}

/** Milliseconds from a seconds attribute ("1.5", "1,234.5"); null when absent or not a sane number. */
export function secondsToMs(value: string | undefined): number | null {
  if (value === undefined) return null;
  // Nearly every time attribute is plain "12.345": read it in one pass, without the regular expressions below.
  const plain = plainDecimalSeconds(value);
  if (plain >= 0) return sanitizeMs(plain * 1000);
  const trimmed = value.trim();
  // Some tools print thousands separators; a lone comma is a decimal comma.
  const normalized = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed)
    ? trimmed.replaceAll(",", "")
    : trimmed.replace(",", ".");
  if (normalized === "" || !/^[+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalized)) return null;
  return sanitizeMs(Number(normalized) * 1000);
}

// Digits with at most one dot and at least one digit, read as a number; -1 for anything else. The digits
// are summed as an integer and divided once by a power of ten: while both are exact (below 2^53, at most
// 22 decimals) that division rounds exactly as Number(value) does, so the result is the same number.
// Longer values go to Number.
function plainDecimalSeconds(value: string): number {
  let digits = 0;
  let mantissa = 0;
  let decimals = -1;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      digits++;
      mantissa = mantissa * 10 + (code - 48);
      if (decimals >= 0) decimals++;
    } else if (code === 46 && decimals < 0) decimals = 0;
    else return -1;
  }
  if (digits === 0) return -1;
  if (digits > 15 || decimals > 22) return Number(value);
  return decimals > 0 ? mantissa / POWERS_OF_TEN[decimals] : mantissa;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/** Milliseconds from a .NET TimeSpan ("00:00:00.1084258", "1.02:03:04.5"); null when unreadable. */
export function timeSpanToMs(value: string | undefined): number | null {
  const match = value === undefined ? null : /^\s*(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!match) return null;
  const [, days, hours, minutes, seconds] = match;
  const totalSeconds = Number(days ?? 0) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  return sanitizeMs(totalSeconds * 1000);
}

// ISO 8601 with up to 7 fractional digits (.NET writes ticks), which Date.parse would round to ms.
const ISO_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$/;

function isoToMs(value: string | undefined): number | null {
  const match = value === undefined ? null : ISO_TIME.exec(value.trim());
  if (!match) return null;
  const whole = Date.parse(`${match[1]}${match[3] ?? "Z"}`);
  return Number.isNaN(whole) ? null : whole + Number(`0${match[2] ?? ""}`) * 1000;
}

/** Milliseconds between two ISO timestamps (sub-millisecond digits kept); null when either is unreadable. */
export function isoSpanMs(start: string | undefined, end: string | undefined): number | null {
  const from = isoToMs(start);
  const to = isoToMs(end);
  return from === null || to === null ? null : sanitizeMs(to - from);
}

/** A positive line number, or undefined. */
export function lineNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  const line = Number(value);
  return line > 0 ? line : undefined;
}

/** A non-negative integer count (declared tests), or undefined. */
export function count(value: string | undefined): number | undefined {
  return value !== undefined && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : undefined;
}
