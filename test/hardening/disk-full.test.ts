// The embedded database's disk fills up during uploads (a 20 MB tmpfs as the data directory): uploads are
// refused with 507 naming the problem, as are backups, /readyz says degraded, nothing is corrupted, and
// uploads work again once space returns.
import { execFileSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type Served } from "./served.ts";
import { streamReport } from "./uploads.ts";

const root = process.getuid?.() === 0;

/** Writes zeros into `file` until the file system is full. */
function fill(file: string): void {
  const fd = openSync(file, "w");
  const block = new Uint8Array(256 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
  // The last partial block: fill byte by byte-ish so not even a page is left.
  const rest = openSync(file, "a");
  try {
    for (;;) writeSync(rest, new Uint8Array(512));
  } catch {
    // full
  } finally {
    closeSync(rest);
  }
}

describe.runIf(root)("disk full under the embedded database", () => {
  let mount = "";
  let s: Served | undefined;

  beforeAll(() => {
    mount = mkdtempSync(join(tmpdir(), "fg-tmpfs-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", mount]);
  });
  afterAll(async () => {
    if (s && s.running.child.exitCode === null) await s.stop(30_000);
    execFileSync("umount", ["-l", mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it("refuses uploads with 507 while full, stays consistent, and accepts again when space returns", async () => {
    const data = join(mount, "data");
    s = await serve({ args: ["--data-dir", data], env: { FLAKEGUARD_UPLOAD_RATE_LIMIT: "0" } });
    const upload = (n: number) =>
      s!.api(`/api/v1/projects/p/reports?commit=d${n}`, { method: "POST", body: streamReport(n, true) });
    for (let n = 0; n < 5; n++) expect([201, 202]).toContain((await upload(n)).status);

    const filler = join(mount, "filler");
    fill(filler);
    let refused: Response | undefined;
    let n = 5;
    for (; n < 400 && !refused; n++) {
      const res = await upload(n);
      if (res.status >= 300) refused = res;
    }
    expect(refused, "an upload refused while the disk is full").toBeDefined();
    expect(refused!.status).toBe(507);
    expect((await refused!.json()).error).toMatchObject({
      code: "insufficient_storage",
      message: expect.stringMatching(/disk is full/),
    });
    expect((await s.api("/livez")).status).toBe(200);
    // /readyz still answers 200 (reads work) but says degraded, and why.
    const ready = await s.api("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "degraded", reason: expect.stringMatching(/disk .* is full/) });
    // A backup into the full disk says so, instead of a failed query.
    const backup = await s.api("/api/v1/backups", { method: "POST" }, s.admin);
    expect(backup.status).toBe(507);
    expect((await backup.json()).error).toMatchObject({
      code: "insufficient_storage",
      message: expect.stringMatching(/backup failed: the disk of .* is full/),
    });

    rmSync(filler);
    expect(await (await s.api("/readyz")).json()).toMatchObject({ status: "ready" });
    const after = await upload(n + 1);
    expect([201, 202], await after.clone().text()).toContain(after.status);
    expect(await s.stop()).toBe(0);

    const db = new Database(join(data, "flakeguard.db"), { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
  });
});
