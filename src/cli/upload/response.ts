/** One report the server says it created, as far as the answer tells. */
export interface ReportReceipt {
  id?: string;
  status: string;
  counts?: string;
  duplicate: boolean;
}

type Json = Record<string, unknown>;

/**
 * Reads the server's 2xx answer defensively: `{"reports":[…]}`, `{"report":{…}}`, `{"reportIds":[…]}` or a
 * bare report, with ids as `id` or `reportId`. 202 means queued, so that is the status when none is given.
 */
export function readReceipts(httpStatus: number, text: string): ReportReceipt[] {
  const body = parseJson(text);
  const defaultStatus = httpStatus === 202 ? "queued" : "processed";
  const entries = receiptEntries(body);
  return entries.map((entry) => {
    if (typeof entry === "string" || typeof entry === "number") {
      return { id: String(entry), status: defaultStatus, duplicate: false };
    }
    const report = isObject(entry) ? entry : {};
    const id = report.id ?? report.reportId;
    const status = report.status ?? report.state;
    return {
      id: typeof id === "string" || typeof id === "number" ? String(id) : undefined,
      status: typeof status === "string" ? status : defaultStatus,
      counts: formatCounts(report.counts ?? report.summary),
      duplicate: report.duplicate === true,
    };
  });
}

/** One line for an error answer: the server's `{"error":{"code","message"}}`, or the start of whatever it sent. */
export function describeErrorAnswer(status: number, text: string): string {
  const body = parseJson(text);
  const error = isObject(body) ? body.error : undefined;
  const code = isObject(error) ? error.code : undefined;
  const message = isObject(error) ? error.message : (error ?? (isObject(body) ? body.message : undefined));
  if (typeof message === "string") return `HTTP ${status}: ${typeof code === "string" ? `${code}: ` : ""}${message}`;
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`;
}

function receiptEntries(body: unknown): unknown[] {
  if (!isObject(body)) return [];
  if (Array.isArray(body.reports)) return body.reports;
  if (Array.isArray(body.reportIds)) return body.reportIds;
  if (Array.isArray(body.ids)) return body.ids;
  if (isObject(body.report)) return [body.report];
  if (body.id !== undefined || body.reportId !== undefined) return [body];
  return [];
}

/** `{"passed":120,"failed":2}` → "passed 120, failed 2"; non-numbers are left out. */
function formatCounts(counts: unknown): string | undefined {
  if (!isObject(counts)) return undefined;
  const parts = Object.entries(counts)
    .filter(([, value]) => typeof value === "number")
    .map(([key, value]) => `${key} ${value}`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
