import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandIO } from "./command.ts";
import { main } from "./commands.ts";

function io(cwd = mkdtempSync(join(tmpdir(), "fg-cli-user-"))) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CommandIO = {
    env: {},
    cwd,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    stopSignal: new Promise(() => undefined),
  };
  return { value, out, err };
}

describe("flakeguard user", () => {
  it("creates users with a generated or a given password, refuses bad input, and lists them", async () => {
    const a = io();
    expect(await main(["user", "create", "--name", "ada", "--role", "admin", "--data-dir", "data"], a.value)).toBe(0);
    expect(a.out).toHaveLength(1);
    expect(a.out[0]).toMatch(/^[\w-]{24}$/);
    expect(a.err[0]).toMatch(/^created admin ada .*shown only this once/);

    const b = io(a.value.cwd);
    writeFileSync(join(a.value.cwd, "pw"), "a long enough password\n");
    expect(
      await main(
        ["user", "create", "--name", "vic", "--role", "viewer", "--password-file", "pw", "--data-dir", "data"],
        b.value,
      ),
    ).toBe(0);
    expect(b.out).toEqual([]);

    const dup = io(a.value.cwd);
    expect(await main(["user", "create", "--name", "vic", "--role", "viewer", "--data-dir", "data"], dup.value)).toBe(
      1,
    );
    expect(dup.err.join("\n")).toContain("a user named 'vic' exists");
    const role = io(a.value.cwd);
    expect(await main(["user", "create", "--name", "x", "--role", "owner", "--data-dir", "data"], role.value)).toBe(2);
    writeFileSync(join(a.value.cwd, "weak"), "short\n");
    const weak = io(a.value.cwd);
    expect(
      await main(
        ["user", "create", "--name", "w", "--role", "viewer", "--password-file", "weak", "--data-dir", "data"],
        weak.value,
      ),
    ).toBe(1);
    expect(weak.err.join("\n")).toContain("at least 12 characters");

    const ls = io(a.value.cwd);
    expect(await main(["user", "ls", "--data-dir", "data"], ls.value)).toBe(0);
    expect(ls.out).toEqual(["ada\tadmin\tnever signed in", "vic\tviewer\tnever signed in"]);
  });
});
