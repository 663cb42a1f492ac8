// `flakeguard run` and `flakeguard quarantine` through the built executable: a real test command writes a
// JUnit report and exits 123; the wrapper's exit code says whether only quarantined tests failed.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, run, sandbox, start, stop, waitReady, type Running, type Sandbox } from "./process.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "run");

/** argv of a test command that writes `fixture` (if any) as out/junit.xml and exits 123. */
const failingCommand = (fixture?: string) => [
  "sh",
  "-c",
  `${fixture ? `mkdir -p out && cat '${join(FIXTURES, fixture)}' > out/junit.xml; ` : ""}echo tests ran; exit 123`,
];

describe("run and quarantine through the executable", () => {
  let box: Sandbox;
  let server: Running | undefined;
  let port: number;
  let admin: string;
  let upload: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, ...init.headers },
    });
  const withEnv = (token: string) => ({
    ...box,
    env: {
      ...box.env,
      FLAKEGUARD_SERVER: `http://127.0.0.1:${port}`,
      FLAKEGUARD_PROJECT: "web",
      FLAKEGUARD_TOKEN: token,
    },
  });
  /** Runs the wrapper from a clean out/, so no report of an earlier case is taken for this one's. */
  const wrap = (command: string[]) => {
    rmSync(join(box.dir, "out"), { recursive: true, force: true });
    return run(withEnv(upload), ["run", "--reports", "out/*.xml", "--", ...command]);
  };

  beforeAll(async () => {
    box = sandbox();
    port = await freePort();
    server = start(box, ["serve", "--port", String(port)]);
    await waitReady(server, port);
    admin = /fga_[A-Za-z0-9_-]+/.exec(server.output())![0];
    const created = await api("/api/v1/projects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"slug":"web"}',
    });
    expect(created.status).toBe(201);
    upload = (await (await api("/api/v1/projects/web/tokens", { method: "POST" })).json()).token;
    // A first run makes the server know the tests; the coupon test then gets quarantined by a person.
    expect((await wrap(failingCommand("quarantined-failure.xml"))).code).toBe(123);
  });
  afterAll(async () => {
    if (server) await stop(server);
  });

  it("quarantines a test by suite::name with an admin token and lists it with the upload token", async () => {
    const add = await run(withEnv(admin), [
      "quarantine",
      "add",
      "checkout.cart::applies a coupon",
      "--reason",
      "times out on slow runners",
      "--owner",
      "ana",
      "--expires",
      "30d",
    ]);
    expect(add.code, add.output).toBe(0);
    expect(add.output).toMatch(/^quarantined checkout\.cart::applies a coupon \(\S+\), mode mute, until /);
    const refused = await run(withEnv(upload), [
      "quarantine",
      "add",
      "checkout.cart::adds an item",
      "--reason",
      "r",
      "--owner",
      "o",
    ]);
    expect(refused.code).toBe(1);
    expect(refused.output.trim().split("\n")).toHaveLength(1);
    const ls = await run(withEnv(upload), ["quarantine", "ls", "--format", "text"]);
    expect(ls.code, ls.output).toBe(0);
    expect(ls.output.trim()).toBe("checkout.cart::applies a coupon");
  });

  it("exits 0 with a table when only the quarantined test failed", async () => {
    const { code, output } = await wrap(failingCommand("quarantined-failure.xml"));
    expect(code, output).toBe(0);
    expect(output).toContain("tests ran");
    expect(output).toMatch(/checkout\.cart::applies a coupon\s+mute\s+times out on slow runners/);
  });

  it("exits with the command's 123 when a test that is not quarantined failed", async () => {
    const { code, output } = await wrap(failingCommand("real-failure.xml"));
    expect(code, output).toBe(123);
    expect(output).toContain("not quarantined: checkout.cart::computes the total");
  });

  it("exits 123 with one warning when the command wrote no report", async () => {
    const { code, output } = await wrap(failingCommand());
    expect(code, output).toBe(123);
    expect(output.match(/warning/g)).toHaveLength(1);
    expect(output).toMatch(/warning: no report/);
  });

  it("releases the test again", async () => {
    const rm = await run(withEnv(admin), ["quarantine", "rm", "checkout.cart::applies a coupon", "--reason", "fixed"]);
    expect(rm.code, rm.output).toBe(0);
    expect((await wrap(failingCommand("quarantined-failure.xml"))).code).toBe(123);
  });

  it("exits 123 with one warning when the server is down", async () => {
    await stop(server!);
    server = undefined;
    const { code, output } = await wrap(failingCommand("quarantined-failure.xml"));
    expect(code, output).toBe(123);
    expect(output.match(/warning/g)).toHaveLength(1);
    expect(output).toMatch(/warning: upload of out\/junit\.xml failed: .*ECONNREFUSED/);
  });
});
