// Each runner format is checked against the runner itself where this machine has it (pytest, Vitest, Maven
// Surefire): run the tests with a JUnit report, read it as the server does, quarantine some, run again
// with the printed arguments, and see exactly those left out. Every format also has a golden file, and
// where the runner is absent (Jest, Go, Gradle) its documented matching rules are applied to the output.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseReport } from "../../ingest/registry.ts";
import { formatForRunner, pytestNodeId, RUNNER_FORMATS, type RunnerFormat } from "./formats.ts";

const GOLDEN = fileURLToPath(new URL("../../../test/fixtures/quarantine-formats/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The tests of a JUnit report as the server stores them: suite, name, file. */
async function testsOf(report: string) {
  const parsed = await parseReport(new Uint8Array(readFileSync(report)));
  return parsed.tests.map((t) => ({ suite: t.suite, name: t.name, file: t.file ?? "", outcome: t.outcome }));
}

function write(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const hasPytest = spawnSync("python3", ["-m", "pytest", "--version"]).status === 0;

describe.skipIf(!hasPytest)("--format pytest, with pytest", () => {
  it("deselects exactly the quarantined tests, parametrized and in classes included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-pytest-"));
    write(dir, {
      "tests/test_login.py": `import pytest

class TestLogin:
    def test_ok(self):
        pass

    @pytest.mark.parametrize("n", [1, 2])
    def test_param(self, n):
        pass

def test_top():
    pass
`,
      "tests/api/test_more.py": "def test_other():\n    pass\n\ndef test_flaky_network():\n    pass\n",
    });
    const pytest = (report: string, args: string[] = []) =>
      execFileSync("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", `--junitxml=${report}`, ...args], {
        cwd: dir,
        encoding: "utf8",
      });
    pytest("all.xml");
    const all = await testsOf(join(dir, "all.xml"));
    expect(all).toHaveLength(6);
    const quarantined = all.filter((t) => ["test_param[1]", "test_top", "test_flaky_network"].includes(t.name));
    const args = formatForRunner("pytest", quarantined);
    pytest("rest.xml", args);
    const rest = (await testsOf(join(dir, "rest.xml"))).map((t) => `${t.suite}::${t.name}`).sort();
    expect(rest).toEqual([
      "tests.api.test_more::test_other",
      "tests.test_login.TestLogin::test_ok",
      "tests.test_login.TestLogin::test_param[2]",
    ]);
  });
});

describe("--format vitest, with Vitest", () => {
  it("leaves out exactly the quarantined tests by -t, nested describes included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-vitest-"));
    write(dir, {
      "login.test.js": `describe("login", () => {
  it("works", () => {});
  it("retries (slowly) on 503", () => {});
  describe("with cookies", () => {
    it("keeps the session", () => {});
  });
});
it("top level", () => {});
`,
      "vitest.config.mjs": "export default { test: { globals: true } };\n",
    });
    const vitest = (report: string, args: string[] = []) =>
      execFileSync(
        join(ROOT, "node_modules/.bin/vitest"),
        ["run", "--reporter=junit", `--outputFile=${report}`, ...args],
        { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } },
      );
    vitest("all.xml");
    const all = await testsOf(join(dir, "all.xml"));
    expect(all).toHaveLength(4);
    const quarantined = all.filter((t) => /retries|keeps the session/.test(t.name));
    expect(quarantined).toHaveLength(2);
    vitest("rest.xml", formatForRunner("vitest", quarantined));
    // Vitest lists the tests -t leaves out as skipped: the quarantined must be those and only those.
    const rest = await testsOf(join(dir, "rest.xml"));
    const skipped = rest.filter((t) => t.outcome === "skipped").map((t) => t.name);
    expect(skipped.sort()).toEqual(quarantined.map((t) => t.name).sort());
    expect(rest.filter((t) => t.outcome === "passed")).toHaveLength(2);
  }, 60_000);
});

// Maven runs offline: only where the local repository holds the plugins and JUnit this project pins.
const m2 = join(homedir(), ".m2/repository");
const hasMaven =
  spawnSync("mvn", ["-v"]).status === 0 &&
  existsSync(join(m2, "org/apache/maven/plugins/maven-surefire-plugin/3.2.5")) &&
  existsSync(join(m2, "org/junit/jupiter/junit-jupiter/5.11.4"));

describe.skipIf(!hasMaven)("--format maven, with Maven Surefire (offline, from the local repository)", () => {
  it("excludes exactly the quarantined methods through -Dsurefire.excludesFile, parameterized ones included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fg-maven-"));
    // Versions this machine's ~/.m2 holds; Surefire 3.2.5 is the newest that resolves offline with Maven 3.8.
    write(dir, {
      "pom.xml": `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId><artifactId>demo</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencies>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.11.4</version><scope>test</scope></dependency>
  </dependencies>
  <build><plugins>
    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.2.5</version></plugin>
  </plugins></build>
</project>
`,
      "src/test/java/com/acme/LoginTest.java": `package com.acme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
class LoginTest {
  @Test void works() {}
  @Test void retriesOn503() {}
  @ParameterizedTest @ValueSource(ints = {1, 2}) void total(int n) {}
}
`,
    });
    const report = join(dir, "target/surefire-reports/TEST-com.acme.LoginTest.xml");
    const mvn = (args: string[] = []) =>
      execFileSync("mvn", ["-o", "-q", "test", ...args], { cwd: dir, encoding: "utf8" });
    mvn();
    const all = await testsOf(report);
    expect(all.map((t) => t.name).sort()).toEqual(["retriesOn503", "total(int)[1]", "total(int)[2]", "works"]);
    const quarantined = all.filter((t) => t.name !== "works");
    writeFileSync(join(dir, "flaky.txt"), formatForRunner("maven", quarantined).join("\n") + "\n");
    mvn(["-Dsurefire.excludesFile=flaky.txt"]);
    expect((await testsOf(report)).map((t) => `${t.suite}::${t.name}`)).toEqual(["com.acme.LoginTest::works"]);
  }, 180_000);
});

/** The quarantine the golden files are written from: names as each runner's JUnit reporter writes them. */
const SAMPLE = {
  pytest: [
    { suite: "tests.test_login.TestLogin", name: "test_param[1]", file: "" },
    { suite: "tests.api.test_more", name: "test_flaky_network", file: "" },
    { suite: "app.checkout.TestCart", name: "test_total", file: "app/checkout.py" },
  ],
  jest: [
    { suite: "login works", name: "login works", file: "src/login.test.js" },
    { suite: "cart adds (2) items? [fast]", name: "cart adds (2) items? [fast]", file: "" },
  ],
  vitest: [
    { suite: "src/login.test.ts", name: "login > retries on 503", file: "src/login.test.ts" },
    { suite: "src/cart.test.ts", name: "cart total", file: "" },
  ],
  go: [
    { suite: "github.com/acme/web/auth", name: "TestLogin/with_cookie", file: "" },
    { suite: "github.com/acme/web/cart", name: "TestTotal", file: "" },
    { suite: "github.com/acme/web/cart", name: "TestRound/1.5", file: "" },
  ],
  maven: [
    { suite: "com.acme.LoginTest", name: "retriesOn503", file: "" },
    { suite: "com.acme.CartTest", name: "total(int)[2]", file: "" },
  ],
  gradle: [
    { suite: "com.acme.LoginTest", name: "retriesOn503()", file: "" },
    { suite: "com.acme.cart.CartTest", name: "total", file: "" },
  ],
} satisfies Record<RunnerFormat, { suite: string; name: string; file: string }[]>;

describe("golden files", () => {
  it.each(Object.keys(RUNNER_FORMATS) as RunnerFormat[])("--format %s prints its golden file", (runner) => {
    const golden = readFileSync(join(GOLDEN, `${runner}.txt`), "utf8");
    expect(formatForRunner(runner, SAMPLE[runner]).join("\n") + "\n").toBe(golden);
  });

  it("prints nothing for an empty quarantine, so the runner runs everything", () => {
    for (const runner of Object.keys(RUNNER_FORMATS) as RunnerFormat[]) expect(formatForRunner(runner, [])).toEqual([]);
  });

  it("jest: -t is a regular expression tested against each test's full name (jestjs.io/docs/cli#--testnamepatternregex)", () => {
    const [line] = formatForRunner("jest", SAMPLE.jest);
    const pattern = new RegExp(line.replace(/^--testNamePattern=/, ""), "i");
    expect(pattern.test("login works")).toBe(false);
    expect(pattern.test("cart adds (2) items? [fast]")).toBe(false);
    expect(pattern.test("login works offline")).toBe(true);
    expect(pattern.test("cart adds items")).toBe(true);
  });

  it("go: -skip splits at top-level | and at /, each part a regexp for one level (pkg.go.dev/cmd/go#hdr-Testing_flags)", () => {
    const [line] = formatForRunner("go", SAMPLE.go);
    const alternatives = line.replace(/^-skip=/, "").split("|");
    const skipped = (name: string) =>
      alternatives.some((alt) => {
        const levels = alt.split("/");
        const parts = name.split("/");
        return levels.length <= parts.length && levels.every((re, i) => new RegExp(re).test(parts[i]));
      });
    expect(skipped("TestLogin/with_cookie")).toBe(true);
    expect(skipped("TestLogin/with_cookie/nested")).toBe(true); // a skipped parent skips its subtests
    expect(skipped("TestLogin/without_cookie")).toBe(false);
    expect(skipped("TestLogin")).toBe(false);
    expect(skipped("TestTotal")).toBe(true);
    expect(skipped("TestTotals")).toBe(false);
    expect(skipped("TestRound/1.5")).toBe(true);
    expect(skipped("TestRound/105")).toBe(false);
  });

  it("pytest: node ids are path::Class::name, from the classname or the file", () => {
    expect(pytestNodeId({ suite: "tests.test_a.TestX.TestInner", name: "test_y", file: "" })).toBe(
      "tests/test_a.py::TestX::TestInner::test_y",
    );
    expect(pytestNodeId({ suite: "pkg.test_b", name: "test_z", file: "./pkg/test_b.py" })).toBe(
      "pkg/test_b.py::test_z",
    );
  });
});
