/** The part of the CTRF JSON schema FlakeGuard reads; unknown fields are allowed and ignored. */
import { z } from "zod";

const ctrfStatus = z.enum(["passed", "failed", "skipped", "pending", "other"]);
const text = z.string().optional();
const lines = z.union([z.string(), z.array(z.string())]).optional();
const milliseconds = z.number().optional();

/** What one run of a CTRF test reports: the final run and each retry alike. */
const ctrfOutcome = {
  status: ctrfStatus,
  duration: milliseconds,
  message: text,
  trace: text,
  stdout: lines,
  stderr: lines,
};

/** One retry attempt of a CTRF test. */
export const ctrfAttemptSchema = z.object({
  attempt: z.number().optional(),
  ...ctrfOutcome,
});

/** One CTRF test with its optional retries. */
export const ctrfTestSchema = z.object({
  name: z.string(),
  ...ctrfOutcome,
  suite: z.union([z.string(), z.array(z.string())]).optional(),
  filePath: text,
  line: z.number().optional(),
  flaky: z.boolean().optional(),
  retries: z.number().int().nonnegative().optional(),
  retryAttempts: z.array(ctrfAttemptSchema).optional(),
  tags: z.array(z.string()).optional(),
});

/** A CTRF report: `results.tests[]` is all FlakeGuard needs. */
export const ctrfReportSchema = z.object({
  results: z.object({
    tool: z.object({ name: z.string() }).optional(),
    tests: z.array(ctrfTestSchema),
  }),
});

/** A CTRF status as written. */
export type CtrfStatus = z.infer<typeof ctrfStatus>;
/** A CTRF retry attempt as written. */
export type CtrfAttempt = z.infer<typeof ctrfAttemptSchema>;
/** A CTRF test as written. */
export type CtrfTest = z.infer<typeof ctrfTestSchema>;
