// The repo's Dockerfile and deploy/docker-compose.yml, built and run for real under podman (runc): the
// base image is made locally (debootstrap, no registry), the image runs as a non-root user with /data on
// a volume, a report survives a restart, and the HEALTHCHECK passes. Then deploy.sh brings up the
// one-VM compose file through podman-compose the same way. Everything it creates is removed; the base stays.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./process.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const BASE = "debian:bookworm-slim";
/** Where the debootstrapped root file system is kept as a tarball between runs (FLAKEGUARD_BASE_CACHE). */
const BASE_CACHE = process.env.FLAKEGUARD_BASE_CACHE ?? "/var/tmp/flakeguard-base/bookworm-minbase.tar";
const RUNC = "/usr/sbin/runc";
// podman 4.3's default crun fails here; runc from Debian works, with these limits.
const ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

const id = `${process.pid}-${randomBytes(3).toString("hex")}`;
const image = `localhost/flakeguard:e2e-${id}`;
const name = `fg-e2e-${id}`;
const volume = `fg-e2e-${id}`;
const work = mkdtempSync(join(tmpdir(), "fg-container-"));
// podman-compose passes no runtime flags: containers.conf sets runc and the limits for every podman call.
const containersConf = join(work, "containers.conf");
writeFileSync(
  containersConf,
  `[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n\n[engine]\nruntime = "${RUNC}"\n`,
);
const env = { ...process.env, CONTAINERS_CONF: containersConf, BUILDAH_FORMAT: "docker" };
afterAll(() => rmSync(work, { recursive: true, force: true }));

function podman(args: string[], opts: { check?: boolean; timeout?: number } = {}): { code: number; out: string } {
  const r = spawnSync("podman", ["--runtime", RUNC, ...args], {
    env,
    encoding: "utf8",
    timeout: opts.timeout ?? 300_000,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if ((opts.check ?? true) && r.status !== 0)
    throw new Error(`podman ${args.join(" ")} exited ${r.status}: ${out.slice(-2000)}`);
  return { code: r.status ?? -1, out };
}

/** The base image: already imported, or imported from the cached tarball, or debootstrapped (minutes) and cached. */
function ensureBase(): void {
  if (podman(["image", "exists", BASE], { check: false }).code === 0) return;
  if (!existsSync(BASE_CACHE)) {
    const dir = mkdtempSync(join(tmpdir(), "fg-rootfs-"));
    try {
      execFileSync("debootstrap", ["--variant=minbase", "bookworm", dir, "http://deb.debian.org/debian"], {
        stdio: "inherit",
        timeout: 1_200_000,
      });
      mkdirSync(join(BASE_CACHE, ".."), { recursive: true });
      execFileSync("tar", ["-C", dir, "-cf", `${BASE_CACHE}.partial`, "."]);
      execFileSync("mv", [`${BASE_CACHE}.partial`, BASE_CACHE]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  podman(["import", BASE_CACHE, BASE]);
}

async function waitReady(port: number, limitMs = 90_000): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`no /readyz on port ${port} within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const JUNIT = `<?xml version="1.0"?><testsuite name="box"><testcase classname="box.A" name="works"/><testcase classname="box.A" name="breaks"><failure message="no">x</failure></testcase></testsuite>`;
const admin = `fga_${randomBytes(24).toString("base64url")}`;

async function api(
  port: number,
  method: string,
  path: string,
  body?: string,
  type = "application/json",
  token = admin,
) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": type } : {}) },
  });
  return { status: res.status, body: await res.json() };
}

/** Creates a project, uploads a report, returns how to read it back. */
async function uploadReport(port: number): Promise<string> {
  expect((await api(port, "POST", "/api/v1/projects", JSON.stringify({ slug: "box" }))).status).toBe(201);
  const up = await api(port, "POST", "/api/v1/projects/box/reports?commit=c1&branch=main", JUNIT, "application/xml");
  expect(up.status).toBe(201);
  return up.body.reports[0].id;
}

describe("the container image under podman", () => {
  let port: number;
  beforeAll(async () => {
    ensureBase();
    // The build context is the repository; .dockerignore keeps only dist/flakeguard (built by global setup).
    podman(["build", "--format", "docker", "-t", image, "-f", join(root, "Dockerfile"), root], { timeout: 600_000 });
    port = await freePort();
    podman([
      "run",
      "-d",
      "--name",
      name,
      ...ULIMITS,
      "-p",
      `127.0.0.1:${port}:8080`,
      "-v",
      `${volume}:/data`,
      "-e",
      `FLAKEGUARD_ADMIN_TOKEN=${admin}`,
      image,
    ]);
    await waitReady(port);
  }, 1_500_000);

  afterAll(() => {
    podman(["rm", "-f", "-t", "2", name], { check: false });
    podman(["volume", "rm", "-f", volume], { check: false });
    podman(["rmi", "-f", image], { check: false });
  });

  it("keeps an uploaded report on its /data volume across a restart", async () => {
    const reportId = await uploadReport(port);
    const before = await api(port, "GET", `/api/v1/projects/box/reports/${reportId}`);
    expect(before.body).toMatchObject({ state: "processed", counts: { tests: 2 } });
    podman(["restart", "-t", "10", name]);
    await waitReady(port);
    const after = await api(port, "GET", `/api/v1/projects/box/reports/${reportId}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(podman(["exec", name, "ls", "/data"]).out).toContain("flakeguard.db");
  });

  it("runs as a non-root user and listens on 0.0.0.0", () => {
    const uid = podman(["exec", name, "id", "-u"]).out.trim();
    expect(uid).toBe("10001");
    expect(Number(uid)).not.toBe(0);
    const inspected = JSON.parse(podman(["image", "inspect", image]).out)[0];
    expect(inspected.Config.User).toBe("flakeguard");
    expect(inspected.Config.Env).toContain("FLAKEGUARD_HOST=0.0.0.0");
  });

  it("passes its HEALTHCHECK, which runs flakeguard health", () => {
    const inspected = JSON.parse(podman(["image", "inspect", image]).out)[0];
    const check = inspected.Healthcheck ?? inspected.Config.Healthcheck; // podman puts it beside Config
    expect(check.Test).toEqual(["CMD", "/usr/local/bin/flakeguard", "health", "--timeout", "4"]);
    const run = podman(["healthcheck", "run", name], { check: false });
    expect(run.code, run.out).toBe(0);
  });

  it("takes a backup through the server (the executable's embedded SQLite) and from the command line, and checks it", async () => {
    const viaApi = await api(port, "POST", "/api/v1/backups");
    expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(201);
    expect(viaApi.body.name).toMatch(/^flakeguard-sqlite-\d{8}T\d{9}Z\.fgbackup$/);
    expect(podman(["exec", name, "flakeguard", "restore", "--check", `/data/backups/${viaApi.body.name}`]).out).toMatch(
      /backup complete/,
    );
    const out = podman(["exec", name, "flakeguard", "backup", "--to", "/data/backups/now.fgbackup"]).out;
    expect(out).toMatch(/backup written: \/data\/backups\/now\.fgbackup .*sqlite/);
    expect(podman(["exec", name, "flakeguard", "restore", "--check", "/data/backups/now.fgbackup"]).out).toMatch(
      /backup complete/,
    );
  });
});

describe("deploy/docker-compose.yml through deploy.sh and podman-compose", () => {
  const project = `fge2e${id.replace(/-/g, "")}`;
  const composeImage = `localhost/flakeguard-${project}`;
  const state = join(work, "state");
  const composeEnv = (port: number) => ({
    ...env,
    FLAKEGUARD_COMPOSE: "podman-compose",
    FLAKEGUARD_COMPOSE_PROJECT: project,
    FLAKEGUARD_STATE_DIR: state,
    FLAKEGUARD_IMAGE: composeImage,
    FLAKEGUARD_PUBLISH: `127.0.0.1:${port}`,
    FLAKEGUARD_ADMIN_TOKEN: admin,
    FLAKEGUARD_HEALTH_TIMEOUT: "90",
  });
  const deploy = (args: string[], port: number) =>
    spawnSync(join(root, "deploy/deploy.sh"), args, { env: composeEnv(port), encoding: "utf8", timeout: 600_000 });
  let port: number;

  beforeAll(async () => {
    ensureBase();
    port = await freePort();
  }, 1_500_000);

  afterAll(() => {
    deploy(["--environment", "development", "--down"], port);
    podman(["volume", "rm", "-f", `${project}_flakeguard-data`], { check: false });
    podman(["network", "rm", "-f", `${project}_default`], { check: false });
    podman(["rmi", "-f", `${composeImage}:local`], { check: false });
  });

  it("builds, seeds, starts, answers, and keeps data across down and up", async () => {
    const up = deploy(["--environment", "development", "--seed-data"], port);
    expect(up.status, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain(`healthy: http://127.0.0.1:${port}/readyz`);
    // --seed-data filled the demo project through `compose run` before the server started.
    const demo = await api(port, "GET", "/api/v1/projects/demo/tests?limit=1");
    expect(demo.status, JSON.stringify(demo.body)).toBe(200);
    expect(demo.body.tests).toHaveLength(1);
    const reportId = await uploadReport(port);
    const down = deploy(["--environment", "development", "--down"], port);
    expect(down.status, down.stdout + down.stderr).toBe(0);
    const again = deploy(["--environment", "development"], port);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    await waitReady(port); // also drops fetch's kept-alive connection to the containers that went down
    const back = await api(port, "GET", `/api/v1/projects/box/reports/${reportId}`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: reportId, state: "processed" });
    const ps = podman(["ps", "--filter", `label=io.podman.compose.project=${project}`, "--format", "{{.Names}}"]).out;
    expect(ps.trim()).toBe(`${project}_flakeguard_1`);
  });
});
