// `flakeguard quarantine ls --format <runner>`: the quarantine in the words of the test runner that should
// skip those tests. Tests are stored as JUnit reports name them (suite = classname, name = testcase name);
// each runner's reporters name them in a known way, from which its own test ids are rebuilt here.
import type { QuarantineEntry } from "./client.ts";

/** The runners `--format` knows, with what each prints. */
export const RUNNER_FORMATS = {
  pytest: "one --deselect=<node id> a line, for pytest's command line",
  jest: "one --testNamePattern=<regex> that leaves the quarantined tests out",
  vitest: "one --testNamePattern=<regex> that leaves the quarantined tests out",
  go: "one -skip=<regex> for go test (Go 1.20+)",
  maven: "one Class#method a line, for Surefire's -Dsurefire.excludesFile=<file>",
  gradle: "one Class.method a line, for excludeTestsMatching in the test task's filter",
} as const;

/** A runner `--format` knows. */
export type RunnerFormat = keyof typeof RUNNER_FORMATS;

/** The lines `--format runner` prints for `tests`; none when there are none (the runner then runs everything). */
export function formatForRunner(
  runner: RunnerFormat,
  tests: Pick<QuarantineEntry, "suite" | "name" | "file">[],
): string[] {
  if (tests.length === 0) return [];
  switch (runner) {
    case "pytest":
      return unique(tests.map((t) => `--deselect=${pytestNodeId(t)}`));
    case "jest":
      // jest-junit names a test by its full name: describe blocks and title joined by spaces, as -t matches.
      return [`--testNamePattern=${excluding(tests.map((t) => t.name))}`];
    case "vitest":
      // Vitest's reporters join the describe blocks with " > "; its -t matches them joined by spaces.
      return [`--testNamePattern=${excluding(tests.map((t) => t.name.split(" > ").join(" ")))}`];
    case "go":
      return [`-skip=${unique(tests.map((t) => goSkipPath(t.name))).join("|")}`];
    case "maven":
      return unique(tests.map((t) => `${t.suite}#${javaMethod(t.name)}`));
    case "gradle":
      return unique(tests.map((t) => `${t.suite}.${javaMethod(t.name)}`));
  }
}

/**
 * pytest's node id, `path/to/test_file.py::Class::test[param]`, from the JUnit classname
 * `path.to.test_file.Class` (module segments lowercase by convention, classes capitalised) or the file.
 */
export function pytestNodeId(t: Pick<QuarantineEntry, "suite" | "name" | "file">): string {
  const segments = t.suite.split(".").filter(Boolean);
  let path: string;
  let classes: string[];
  if (t.file?.endsWith(".py")) {
    path = t.file.replace(/^\.\//, "");
    const module = path.slice(0, -3).split("/").join(".");
    classes = t.suite.startsWith(`${module}.`) ? t.suite.slice(module.length + 1).split(".") : [];
  } else {
    const firstClass = segments.findIndex((s) => /^[A-Z]/.test(s));
    const moduleEnd = firstClass === -1 ? segments.length : firstClass;
    path = `${segments.slice(0, moduleEnd).join("/")}.py`;
    classes = segments.slice(moduleEnd);
  }
  return [path, ...classes, t.name].join("::");
}

/** A regular expression (JavaScript) matching every full name except the given ones. */
function excluding(names: string[]): string {
  return `^(?!(?:${unique(names).map(escapeRegExp).join("|")})$)`;
}

/** `TestLogin/with_cookie` → `^TestLogin$/^with_cookie$`: go test matches each level of the name on its own. */
function goSkipPath(name: string): string {
  return name
    .split("/")
    .map((part) => `^${escapeRegExp(part)}$`)
    .join("/");
}

/** JUnit 5 names methods `login()` or `login(String)[2]`; Surefire and Gradle filter by the bare name. */
function javaMethod(name: string): string {
  return name.replace(/[([].*$/, "").trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
