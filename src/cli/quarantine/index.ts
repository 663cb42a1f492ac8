import type { Command } from "../command.ts";
import { UsageError } from "../command.ts";
import { callApi, listQuarantine } from "./client.ts";
import { ADD_HELP, LS_HELP, RM_HELP } from "./help.ts";
import { TARGET_FLAGS, parseExpiry, parseQuarantineArgs, resolveTarget } from "./options.ts";
import { resolveTestId } from "./resolve.ts";
import { formatTable } from "./table.ts";
import { formatForRunner, RUNNER_FORMATS, type RunnerFormat } from "./formats.ts";
import { defaultUploadDeps } from "../upload/index.ts";
import type { SendDeps } from "../upload/send.ts";

/** Reading the list is what CI jobs do, with the upload token they already hold; changing it takes an admin. */
const READ_TOKENS = ["FLAKEGUARD_TOKEN", "FLAKEGUARD_ADMIN_TOKEN"];
const ADMIN_TOKENS = ["FLAKEGUARD_ADMIN_TOKEN", "FLAKEGUARD_TOKEN"];
/** What `ls --format` prints: for people, for scripts, or in a test runner's own words. */
const LS_FORMATS = ["table", "text", "json", ...Object.keys(RUNNER_FORMATS)];

/** Builds `flakeguard quarantine ls|add|rm` over the given network and clock. */
export function createQuarantineCommands(deps: SendDeps = defaultUploadDeps()): Command[] {
  const ls: Command = {
    path: ["quarantine", "ls"],
    summary: "List a project's quarantined tests",
    help: LS_HELP,
    async run(args, io) {
      const flags = { ...TARGET_FLAGS, format: { type: "string" }, mode: { type: "string" } } as const;
      const { values } = parseQuarantineArgs(args, flags);
      const format = values.format ?? "table";
      if (!LS_FORMATS.includes(format))
        throw new UsageError(`--format must be one of ${LS_FORMATS.join(", ")}; got '${format}'`);
      if (values.mode !== undefined && values.mode !== "mute" && values.mode !== "skip")
        throw new UsageError(`--mode must be mute or skip; got '${values.mode}'`);
      const listed = await listQuarantine(resolveTarget(values, io.env, READ_TOKENS), deps);
      const tests = values.mode ? listed.filter((t) => t.mode === values.mode) : listed;
      if (format in RUNNER_FORMATS) for (const line of formatForRunner(format as RunnerFormat, tests)) io.stdout(line);
      else if (format === "json") io.stdout(JSON.stringify({ tests }, null, 2));
      else if (format === "text") for (const t of tests) io.stdout(`${t.suite}::${t.name}`);
      else if (tests.length === 0) io.stdout("no quarantined tests");
      else {
        const rows = tests.map((t) => [
          `${t.suite}::${t.name}`,
          t.mode,
          t.reason,
          t.owner,
          t.expiresAt?.slice(0, 10) ?? "never",
          t.testId,
        ]);
        for (const line of formatTable([["test", "mode", "reason", "owner", "expires", "id"], ...rows]))
          io.stdout(line);
      }
      return 0;
    },
  };
  const add: Command = {
    path: ["quarantine", "add"],
    summary: "Quarantine a test (admin token)",
    help: ADD_HELP,
    async run(args, io) {
      const options = {
        ...TARGET_FLAGS,
        reason: { type: "string" },
        owner: { type: "string" },
        expires: { type: "string" },
        mode: { type: "string" },
      } as const;
      const { values, positionals } = parseQuarantineArgs(args, options);
      if (positionals.length !== 1) throw new UsageError("quarantine add takes one <testId|suite::name>");
      if (!values.reason?.trim()) throw new UsageError("--reason is required: say why the test is quarantined");
      if (!values.owner?.trim()) throw new UsageError("--owner is required: who will fix it");
      if (values.mode !== undefined && values.mode !== "mute" && values.mode !== "skip")
        throw new UsageError(`--mode must be mute or skip; got '${values.mode}'`);
      const expiresAt = values.expires === undefined ? undefined : parseExpiry(values.expires, deps.now());
      const target = resolveTarget(values, io.env, ADMIN_TOKENS);
      const testId = await resolveTestId(target, deps, positionals[0]);
      const body = { testId, reason: values.reason.trim(), owner: values.owner.trim(), expiresAt, mode: values.mode };
      await callApi(target, deps, "POST", "/quarantine", { body });
      io.stdout(
        `quarantined ${positionals[0]}${testId === positionals[0] ? "" : ` (${testId})`}, mode ${values.mode ?? "mute"}` +
          `${expiresAt ? `, until ${expiresAt}` : ""}, owner ${body.owner}`,
      );
      return 0;
    },
  };
  const rm: Command = {
    path: ["quarantine", "rm"],
    summary: "Release a quarantined test (admin token)",
    help: RM_HELP,
    async run(args, io) {
      const { values, positionals } = parseQuarantineArgs(args, { ...TARGET_FLAGS, reason: { type: "string" } });
      if (positionals.length !== 1) throw new UsageError("quarantine rm takes one <testId|suite::name>");
      const target = resolveTarget(values, io.env, ADMIN_TOKENS);
      const testId = await resolveTestId(target, deps, positionals[0]);
      // In the query, not a body: proxies and some clients drop DELETE bodies. It goes into the audit log.
      const reason = values.reason?.trim() ? `?${new URLSearchParams({ reason: values.reason.trim() })}` : "";
      await callApi(target, deps, "DELETE", `/quarantine/${encodeURIComponent(testId)}${reason}`);
      io.stdout(`released ${positionals[0]}${testId === positionals[0] ? "" : ` (${testId})`}`);
      return 0;
    },
  };
  return [ls, add, rm];
}

/** `flakeguard quarantine ls`, `add` and `rm`, registered in commands.ts. */
export const [quarantineLsCommand, quarantineAddCommand, quarantineRmCommand] = createQuarantineCommands();
