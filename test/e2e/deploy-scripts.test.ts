// deploy/deploy.sh and deploy/health-check.sh: syntax, help, which environment file and compose files
// they pick, and the tag bookkeeping behind --rollback. Compose itself is replaced by `true` (the real
// thing runs in container.test.ts); a local server answers /readyz for the health check.
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DEPLOY = join(root, "deploy/deploy.sh");
const HEALTH = join(root, "deploy/health-check.sh");
const work = mkdtempSync(join(tmpdir(), "fg-deploy-"));

let server: Server;
let port: number;
let ready = 200;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === "/readyz" ? ready : 404;
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs a script without blocking this process (the /readyz server above answers from it). */
function sh(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [file, ...args], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        FLAKEGUARD_COMPOSE: "true",
        FLAKEGUARD_HEALTH_TIMEOUT: "5",
        ...env,
      },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("deploy scripts", () => {
  it("parse (bash -n) and print their help", async () => {
    for (const f of [DEPLOY, HEALTH]) expect(spawnSync("bash", ["-n", f]).status).toBe(0);
    const help = await sh(DEPLOY, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("--environment development|staging|production");
    for (const flag of ["--tag", "--monitoring", "--seed-data", "--rollback", "--dry-run"])
      expect(help.out).toContain(flag);
    expect((await sh(HEALTH, ["--help"])).out).toContain("--timeout SECONDS");
  });

  it("refuses a missing or unknown environment and an unknown option", async () => {
    expect((await sh(DEPLOY, [])).err).toMatch(/--environment is required/);
    const bad = await sh(DEPLOY, ["--environment", "prod"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown environment 'prod'");
    expect((await sh(DEPLOY, ["--environment", "staging", "--bogus"])).err).toContain("unknown option '--bogus'");
  });

  it("dry run: staging's settings, the one-VM compose file, build then up, then the health check", async () => {
    const state = join(work, "dry");
    const r = await sh(DEPLOY, ["--environment", "staging", "--dry-run"], {
      FLAKEGUARD_COMPOSE: "podman-compose",
      FLAKEGUARD_STATE_DIR: state,
    });
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split("\n").filter((l) => l.startsWith("+ "));
    expect(lines).toEqual([
      `+ podman-compose -p flakeguard-staging -f ${root}deploy/docker-compose.yml build`,
      `+ podman-compose -p flakeguard-staging -f ${root}deploy/docker-compose.yml up -d`,
      // staging.env publishes 0.0.0.0:8080
      `+ ${root}deploy/health-check.sh --url http://127.0.0.1:8080/readyz --timeout 5`,
    ]);
    expect(r.out).toContain("environment staging, one-vm, tag local");
  });

  it("dry run: scaled out with monitoring and a release tag pulls no build; the caller's variables win over the file", async () => {
    const r = await sh(
      DEPLOY,
      ["--environment", "production", "--scale", "--monitoring", "--tag", "v1.4.0", "--dry-run"],
      {
        FLAKEGUARD_COMPOSE: "docker compose",
        FLAKEGUARD_STATE_DIR: join(work, "dry2"),
        FLAKEGUARD_PUBLISH: "127.0.0.1:18099",
      },
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      `+ docker compose -p flakeguard-production -f ${root}deploy/docker-compose.scale.yml -f ${root}deploy/docker-compose.monitoring.yml up -d`,
    );
    expect(r.out).not.toContain(" build");
    expect(r.out).toContain("--url http://127.0.0.1:18099/readyz");
    expect(r.out).toContain("would record current=v1.4.0 previous=");
  });

  it("records deployed tags and --rollback swaps back to the previous one", async () => {
    const state = join(work, "tags");
    const env = { FLAKEGUARD_STATE_DIR: state, FLAKEGUARD_PUBLISH: `127.0.0.1:${port}` };
    const tags = () => readFileSync(join(state, "staging.tags"), "utf8");
    expect((await sh(DEPLOY, ["--environment", "staging", "--rollback"], env)).err).toMatch(/nothing to roll back to/);
    expect((await sh(DEPLOY, ["--environment", "staging", "--tag", "v1"], env)).code).toBe(0);
    expect(tags()).toBe("current=v1\nprevious=\n");
    const second = await sh(DEPLOY, ["--environment", "staging", "--tag", "v2"], env);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`healthy: http://127.0.0.1:${port}/readyz`);
    expect(tags()).toBe("current=v2\nprevious=v1\n");
    // The same tag again changes nothing.
    expect((await sh(DEPLOY, ["--environment", "staging", "--tag", "v2"], env)).code).toBe(0);
    expect(tags()).toBe("current=v2\nprevious=v1\n");
    const back = await sh(DEPLOY, ["--environment", "staging", "--rollback", "--dry-run"], env);
    expect(back.out).toContain("tag v1 (current v2, previous v1)");
    expect(tags()).toBe("current=v2\nprevious=v1\n"); // a dry run records nothing
    expect((await sh(DEPLOY, ["--environment", "staging", "--rollback"], env)).code).toBe(0);
    expect(tags()).toBe("current=v1\nprevious=v2\n");
    expect((await sh(DEPLOY, ["--environment", "staging", "--rollback", "--tag", "v3"], env)).err).toContain(
      "exclude each other",
    );
    // Environments are separate.
    expect((await sh(DEPLOY, ["--environment", "development", "--rollback"], env)).err).toMatch(
      /nothing to roll back to/,
    );
  });

  it("fails the deploy when the service is not healthy and says how to roll back", async () => {
    ready = 503;
    try {
      const r = await sh(DEPLOY, ["--environment", "staging", "--tag", "v9"], {
        FLAKEGUARD_STATE_DIR: join(work, "unhealthy"),
        FLAKEGUARD_PUBLISH: `127.0.0.1:${port}`,
        FLAKEGUARD_HEALTH_TIMEOUT: "1",
      });
      expect(r.code).toBe(1);
      expect(r.err).toContain("deploy/deploy.sh --environment staging --rollback");
    } finally {
      ready = 200;
    }
  });

  it("scaled out: podman-compose reads the compose files into N api and M worker replicas behind NGINX, with monitoring", () => {
    // podman-compose 1.0 creates the project's volumes and network even with --dry-run: a project of its own, removed below.
    const dry = `fgdry${process.pid}`;
    const cleanup = () => {
      const volumes = spawnSync(
        "podman",
        ["volume", "ls", "-q", "--filter", `label=io.podman.compose.project=${dry}`],
        { encoding: "utf8" },
      )
        .stdout.split("\n")
        .filter(Boolean);
      if (volumes.length > 0) spawnSync("podman", ["volume", "rm", "-f", ...volumes]);
      spawnSync("podman", ["network", "rm", "-f", `${dry}_default`]);
    };
    try {
      const r = spawnSync(
        "podman-compose",
        [
          "--dry-run",
          "-p",
          dry,
          "-f",
          join(root, "deploy/docker-compose.scale.yml"),
          "-f",
          join(root, "deploy/docker-compose.monitoring.yml"),
          "up",
          "-d",
        ],
        {
          encoding: "utf8",
          timeout: 60_000,
          env: {
            ...process.env,
            FLAKEGUARD_ENVIRONMENT: "production",
            FLAKEGUARD_DB_PASSWORD: "pw",
            FLAKEGUARD_ADMIN_TOKEN: "fga_abcdefghijklmnopqrstuvwxyz",
            FLAKEGUARD_API_REPLICAS: "3",
            FLAKEGUARD_WORKER_REPLICAS: "2",
          },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      const runs = r.stdout.split("\n").filter((l) => l.startsWith("podman run "));
      const named = (prefix: string) => runs.filter((l) => l.includes(`--name=${dry}_${prefix}_`));
      expect(named("api")).toHaveLength(3);
      expect(named("worker")).toHaveLength(2);
      for (const l of [...named("api"), ...named("worker")]) {
        expect(l).toContain("-e DATABASE_URL=postgres://flakeguard:pw@postgres:5432/flakeguard");
        expect(l).toContain("-e REDIS_URL=redis://redis:6379");
        expect(l).toContain(`--env-file ${root}deploy/env/production.env`);
        expect(l).toContain("--migrate=false");
      }
      expect(named("api")[0]).toContain("serve --role api");
      expect(named("worker")[0]).toContain("serve --role worker");
      expect(named("migrate")[0]).toMatch(/ migrate$/);
      expect(named("nginx")[0]).toContain(`-v ${root}deploy/nginx:/etc/nginx/flakeguard:ro`);
      expect(named("prometheus")[0]).toContain(`-v ${root}deploy/prometheus:/etc/prometheus:ro`);
      expect(named("grafana")[0]).toContain(`-v ${root}deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro`);
      // Without its secrets the scaled-out file refuses to start.
      const missing = spawnSync(
        "podman-compose",
        ["--dry-run", "-p", dry, "-f", join(root, "deploy/docker-compose.scale.yml"), "up", "-d"],
        {
          encoding: "utf8",
          timeout: 60_000,
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
        },
      );
      expect(missing.status).not.toBe(0);
      expect(missing.stdout + missing.stderr).toMatch(/FLAKEGUARD_(DB_PASSWORD|ADMIN_TOKEN)/);
    } finally {
      cleanup();
    }
  });

  it("has a systemd unit that systemd-analyze accepts", () => {
    const unit = readFileSync(join(root, "deploy/systemd/flakeguard.service"), "utf8");
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/flakeguard serve$/m);
    expect(unit).toMatch(/^EnvironmentFile=-\/etc\/flakeguard\/flakeguard\.env$/m);
    expect(unit).toMatch(/^Environment=FLAKEGUARD_DATA_DIR=\/var\/lib\/flakeguard$/m);
    for (const key of [
      "DynamicUser=yes",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "CapabilityBoundingSet=",
      "SystemCallFilter=@system-service",
    ]) {
      expect(unit).toContain(`\n${key}\n`);
    }
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m); // V8's JIT needs it off
    if (spawnSync("systemd-analyze", ["--version"]).status !== 0) return; // verified where systemd is installed
    const copy = join(work, "flakeguard.service");
    writeFileSync(copy, unit.replace("/usr/local/bin/flakeguard serve", `${join(root, "dist/flakeguard")} serve`));
    const r = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it("reads secrets from ENV.local.env without shell evaluation", async () => {
    const dir = join(work, "envdir");
    mkdirSync(join(dir, "env"), { recursive: true });
    // A copy of deploy/ with a local secrets file holding characters a shell would interpret.
    for (const f of ["deploy.sh", "health-check.sh", "docker-compose.yml"])
      writeFileSync(join(dir, f), readFileSync(join(root, "deploy", f)));
    writeFileSync(join(dir, "env", "staging.env"), readFileSync(join(root, "deploy/env/staging.env")));
    writeFileSync(join(dir, "env", "staging.local.env"), "FLAKEGUARD_DB_PASSWORD=a$(touch pwned) b*\n");
    const r = await sh(join(dir, "deploy.sh"), ["--environment", "staging", "--dry-run"], {
      FLAKEGUARD_COMPOSE: "podman-compose",
    });
    expect(r.code, r.err).toBe(0);
    expect(() => readFileSync(join(dir, "pwned"))).toThrow();
  });
});
