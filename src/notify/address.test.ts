import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { Integration } from "../store/integrations.ts";
import { isPrivateAddress, refusedTarget } from "./address.ts";
import { postJson } from "./http.ts";
import type { DeliveryContext } from "./notifier.ts";

describe("notification targets", () => {
  it("tells loopback, private, link-local and mapped addresses from public ones", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.31.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("refuses a URL whose host is or resolves to a private address, naming the setting", async () => {
    const resolve = async (host: string) =>
      ({ "internal.example": ["10.0.0.5"], "hooks.example": ["93.184.216.34"] })[host]!;
    expect(await refusedTarget("http://127.0.0.1:8080/x", resolve)).toMatch(/127\.0\.0\.1.*notifyAllowPrivate/);
    expect(await refusedTarget("http://[::1]/x", resolve)).toMatch(/::1/);
    expect(await refusedTarget("https://internal.example/x", resolve)).toMatch(
      /internal\.example resolves to 10\.0\.0\.5/,
    );
    expect(await refusedTarget("https://hooks.example/x", resolve)).toBeUndefined();
    // Unresolvable: the request itself fails (retryably), not this check.
    expect(
      await refusedTarget("https://nowhere.invalid/x", () => Promise.reject(new Error("ENOTFOUND"))),
    ).toBeUndefined();
  });

  it("postJson sends nothing to a loopback receiver unless allowed", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const ctx = (allowPrivate: boolean): DeliveryContext => ({
      integration: {} as Integration,
      publicUrl: undefined,
      timeoutMs: 5000,
      now: Date.now(),
      fetch,
      allowPrivate,
    });
    try {
      const refused = await postJson(url, "{}", {}, ctx(false));
      expect(refused.result).toMatchObject({
        ok: false,
        retry: false,
        error: expect.stringMatching(/notifyAllowPrivate/),
      });
      expect(hits).toBe(0);
      expect((await postJson(url, "{}", {}, ctx(true))).result).toMatchObject({ ok: true, status: 200 });
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});
