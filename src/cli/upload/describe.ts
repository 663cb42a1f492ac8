import { CI_PROVIDER_NAMES } from "../ci-env/index.ts";
import type { UploadPlan } from "./options.ts";
import type { ReportReceipt } from "./response.ts";
import { redactUrl } from "./send.ts";

/** The lines saying where the reports go and with which metadata; the token appears only as its source. */
export function describePlan(plan: UploadPlan): string[] {
  const server = plan.server ? redactUrl(plan.server) : "(no server)";
  const project = plan.project ? `"${plan.project}"` : "(no project)";
  const token = plan.tokenSource ? `token from ${plan.tokenSource}` : "no token";
  const ci =
    plan.ci.provider === "none"
      ? "no CI detected"
      : `${CI_PROVIDER_NAMES[plan.ci.provider]}${plan.ci.url ? ` ${plan.ci.url}` : ""}`;
  return [`project ${project} at ${server}, ${token}`, `${ci}; ${describeMetadata(plan)}`];
}

/** `commit=… branch=… pr=42 … variant=os=linux`, or a note when nothing is known. */
export function describeMetadata(plan: UploadPlan): string {
  const { variants, ...scalars } = plan.metadata;
  const parts = Object.entries(scalars)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  parts.push(...variants.map((variant) => `variant=${variant}`));
  return parts.length > 0 ? parts.join(" ") : "no commit, branch or run metadata";
}

/** "report r_1 processed (passed 10, failed 1)" for each receipt, or a note when the answer named none. */
export function describeReceipts(httpStatus: number, receipts: ReportReceipt[]): string {
  if (receipts.length === 0) return `HTTP ${httpStatus}, no report id in the answer`;
  return receipts
    .map((receipt) => {
      const id = receipt.id ? `report ${receipt.id}` : "report (no id)";
      const duplicate = receipt.duplicate ? ", already uploaded before" : "";
      const counts = receipt.counts ? ` (${receipt.counts})` : "";
      return `${id} ${receipt.status}${duplicate}${counts}`;
    })
    .join("; ");
}
