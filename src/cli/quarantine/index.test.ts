import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandIO } from "../command.ts";
import { main } from "../commands.ts";
import type { QuarantineEntry } from "./client.ts";
import { createQuarantineCommands } from "./index.ts";
import { parseExpiry } from "./options.ts";
import type { FakeTest } from "../../../test/helpers/fake-quarantine-server.ts";
import { startQuarantineServer } from "../../../test/helpers/fake-quarantine-server.ts";

const NOW = Date.parse("2026-11-27T10:00:00.000Z");
const TESTS: FakeTest[] = [
  { id: "t_coupon", suite: "checkout.cart", name: "applies a coupon", file: "cart.test.ts" },
  { id: "t_coupon2", suite: "checkout.cart::legacy", name: "applies a coupon", file: "legacy.test.ts" },
  { id: "t_total_a", suite: "checkout", name: "total", file: "a.test.ts" },
  { id: "t_total_b", suite: "checkout", name: "total", file: "b.test.ts" },
];

let state: { tests: FakeTest[]; quarantined: QuarantineEntry[] };
let server: Awaited<ReturnType<typeof startQuarantineServer>>;

beforeEach(async () => {
  state = { tests: TESTS, quarantined: [] };
  server = await startQuarantineServer(state);
});
afterEach(() => server.close());

async function cli(args: string[], token = "fga_admin") {
  const [ls, add, rm] = createQuarantineCommands({
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: async () => {},
    random: () => 0,
    now: () => NOW,
    requestTimeoutMs: 10_000,
  });
  const command = { ls, add, rm }[args[0] as "ls" | "add" | "rm"];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIO = {
    env: {
      FLAKEGUARD_SERVER: server.url,
      FLAKEGUARD_PROJECT: "web",
      FLAKEGUARD_ADMIN_TOKEN: token,
      FLAKEGUARD_TOKEN: token,
    },
    cwd: "/",
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    stopSignal: new Promise(() => {}),
  };
  const code = await command.run(args.slice(1), io);
  return { code, stdout, stderr };
}

describe("flakeguard quarantine", () => {
  it("adds a test named by suite::name, matching suite and name exactly", async () => {
    const result = await cli([
      "add",
      "checkout.cart::applies a coupon",
      "--reason",
      "slow runners",
      "--owner",
      "ana",
      "--expires",
      "30d",
      "--mode",
      "skip",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toBe(
      "quarantined checkout.cart::applies a coupon (t_coupon), mode skip, until 2026-12-27T10:00:00.000Z, owner ana",
    );
    const post = server.requests.find((r) => r.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({
      testId: "t_coupon",
      reason: "slow runners",
      owner: "ana",
      expiresAt: "2026-12-27T10:00:00.000Z",
      mode: "skip",
    });
    expect(server.requests[0].query.get("q")).toBe("applies a coupon");
  });

  it("resolves a suite that itself contains '::'", async () => {
    expect((await cli(["add", "checkout.cart::legacy::applies a coupon", "--reason", "r", "--owner", "o"])).code).toBe(
      0,
    );
    expect(state.quarantined.map((q) => q.testId)).toEqual(["t_coupon2"]);
  });

  it("refuses an unknown or ambiguous suite::name with one clear line", async () => {
    await expect(cli(["add", "checkout::nope", "--reason", "r", "--owner", "o"])).rejects.toThrow(
      "no test 'checkout::nope' in project web",
    );
    await expect(cli(["add", "checkout::total", "--reason", "r", "--owner", "o"])).rejects.toThrow(
      /names 2 tests .*t_total_a \(a\.test\.ts\), t_total_b/,
    );
    expect(state.quarantined).toEqual([]);
  });

  it("lists as a table, as suite::name lines and as JSON with an upload token", async () => {
    await cli(["add", "t_total_a", "--reason", "races the clock", "--owner", "bo", "--expires", "2026-12-31"]);
    const table = await cli(["ls"], "fgu_upload");
    expect(table.stdout[0]).toMatch(/^test\s+mode\s+reason\s+owner\s+expires\s+id$/);
    expect(table.stdout[1]).toMatch(/^checkout::total\s+mute\s+races the clock\s+bo\s+2026-12-31\s+t_total_a$/);
    expect((await cli(["ls", "--format", "text"], "fgu_upload")).stdout).toEqual(["checkout::total"]);
    const json = JSON.parse((await cli(["ls", "--format", "json"], "fgu_upload")).stdout.join("\n"));
    expect(json.tests[0]).toMatchObject({ testId: "t_total_a", expiresAt: "2026-12-31T23:59:59.999Z" });
  });

  it("lists in a test runner's words, all modes or one", async () => {
    await cli(["add", "t_total_a", "--reason", "r", "--owner", "o", "--mode", "skip"]);
    await cli(["add", "t_coupon", "--reason", "r", "--owner", "o"]);
    const vitest = await cli(["ls", "--format", "vitest"], "fgu_upload");
    expect(vitest.stdout).toEqual(["--testNamePattern=^(?!(?:total|applies a coupon)$)"]);
    const skipOnly = await cli(["ls", "--format", "vitest", "--mode", "skip"], "fgu_upload");
    expect(skipOnly.stdout).toEqual(["--testNamePattern=^(?!(?:total)$)"]);
    await expect(cli(["ls", "--mode", "sometimes"], "fgu_upload")).rejects.toThrow("--mode must be mute or skip");
  });

  it("releases a test with a reason", async () => {
    await cli(["add", "t_coupon", "--reason", "r", "--owner", "o"]);
    const result = await cli(["rm", "checkout.cart::applies a coupon", "--reason", "fixed in #42"]);
    expect(result.stdout).toEqual(["released checkout.cart::applies a coupon (t_coupon)"]);
    expect(server.requests.at(-1)).toMatchObject({
      method: "DELETE",
      path: "/api/v1/projects/web/quarantine/t_coupon",
    });
    expect(server.requests.at(-1)!.query.get("reason")).toBe("fixed in #42");
    expect(state.quarantined).toEqual([]);
  });

  it("prints the server's message when it refuses", async () => {
    await expect(cli(["rm", "t_coupon"])).rejects.toThrow("HTTP 404: not_found: that test is not quarantined");
    await expect(cli(["add", "t_coupon", "--reason", "r", "--owner", "o"], "fgu_upload")).rejects.toThrow(
      "HTTP 403: forbidden: this needs an admin token",
    );
  });

  it("reports mistakes through main as one line and exit 2", async () => {
    const stderr: string[] = [];
    const io: CommandIO = {
      env: {},
      cwd: "/",
      stdout: () => {},
      stderr: (l) => stderr.push(l),
      stopSignal: new Promise(() => {}),
    };
    expect(await main(["quarantine", "add", "t_coupon", "--owner", "o"], io)).toBe(2);
    expect(await main(["quarantine", "ls", "--format", "xml"], io)).toBe(2);
    expect(await main(["quarantine", "ls"], io)).toBe(2);
    expect(stderr).toEqual([
      "flakeguard quarantine add: --reason is required: say why the test is quarantined",
      "flakeguard quarantine ls: --format must be one of table, text, json, pytest, jest, vitest, go, maven, gradle; got 'xml'",
      "flakeguard quarantine ls: missing --server (or FLAKEGUARD_SERVER), --project (or FLAKEGUARD_PROJECT), --token (or FLAKEGUARD_TOKEN or FLAKEGUARD_ADMIN_TOKEN)",
    ]);
  });

  it("reads --expires as a date, a timestamp or a duration, and refuses the past", () => {
    expect(parseExpiry("2026-12-31", NOW)).toBe("2026-12-31T23:59:59.999Z");
    expect(parseExpiry("12h", NOW)).toBe("2026-11-27T22:00:00.000Z");
    expect(parseExpiry("2w", NOW)).toBe("2026-12-11T10:00:00.000Z");
    expect(parseExpiry("2027-01-02T03:04:05Z", NOW)).toBe("2027-01-02T03:04:05.000Z");
    expect(() => parseExpiry("2020-01-01", NOW)).toThrow("in the past");
    expect(() => parseExpiry("soon", NOW)).toThrow("--expires must be");
  });
});
