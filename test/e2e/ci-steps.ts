// Runs the CI integrations in this repository the way their CI systems would, without those systems: the
// shell of action.yml's composite step with its `${{ inputs.* }}` filled in, and the script lines of a job
// extending the GitLab template, with `!reference` tags resolved.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isScalar, isSeq, parseDocument } from "yaml";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** How a shell step ended. */
export interface StepResult {
  code: number | null;
  output: string;
}

/** Runs `script` with `shell` (argv before the script file) in `cwd` with exactly `env`. */
export function runShell(shell: string[], script: string, cwd: string, env: Record<string, string>) {
  const file = join(mkdtempSync(join(tmpdir(), "fg-step-")), "step.sh");
  writeFileSync(file, script);
  return new Promise<StepResult>((resolve) => {
    const child = spawn(shell[0], [...shell.slice(1), file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

interface ActionStep {
  shell: string;
  env?: Record<string, string>;
  run: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: ActionStep[] };
}

/** action.yml's steps in order, inputs substituted as GitHub does (`${{ inputs.x }}` → the value or its default). */
export function actionSteps(inputs: Record<string, string>): { env: Record<string, string>; run: string }[] {
  const action = parseDocument(readFileSync(join(root, "action.yml"), "utf8")).toJS() as Action;
  if (action.runs.using !== "composite") throw new Error("action.yml is not a composite action");
  for (const name of Object.keys(inputs))
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const value = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? "";
  const fill = (text: string) =>
    text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
      if (!(name in action.inputs)) throw new Error(`action.yml uses an undeclared input ${name}`);
      return value(name);
    });
  return action.runs.steps.map((step) => {
    if (step.shell !== "bash") throw new Error(`step shell ${step.shell}; the test runs bash steps only`);
    if (/\$\{\{/.test(step.run)) throw new Error("an expression inside run: pass it through env instead");
    return {
      run: step.run,
      env: Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(String(v))])),
    };
  });
}

/** GitHub's own command line for `shell: bash` steps. */
export const GITHUB_BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"];

/**
 * The shell lines GitLab would run for `section` (script or after_script) of `job` extending `template`
 * in ci/gitlab/flakeguard.gitlab-ci.yml: `!reference [job, key]` tags inlined, in order.
 */
export function gitlabLines(template: string, section: "script" | "after_script"): string[] {
  const doc = parseDocument(readFileSync(join(root, "ci/gitlab/flakeguard.gitlab-ci.yml"), "utf8"));
  const expand = (items: unknown): string[] => {
    if (!isSeq(items)) throw new Error(`expected a list of lines, got ${String(items)}`);
    return items.items.flatMap((item) => {
      if (isScalar(item)) return [String(item.value)];
      if (isSeq(item) && item.tag === "!reference") {
        const [job, key] = item.toJSON() as string[];
        return expand(doc.getIn([job, key], true));
      }
      throw new Error(`unexpected item ${String(item)}`);
    });
  };
  return expand(doc.getIn([template, section], true));
}

/** GitLab's shell for a job's lines (the Docker executor's sh, with -e as GitLab sets it). */
export const GITLAB_SH = ["sh", "-e"];
