import { describe, expect, it } from "vitest";
import { ByteBudget } from "../lib/budget.ts";
import { countParts, readUpload } from "./body.ts";

const part = (name: string, text: string) =>
  `--b\r\nContent-Disposition: form-data; name="f"; filename="${name}"\r\nContent-Type: application/xml\r\n\r\n${text}\r\n`;
const multipart = (n: number) =>
  new TextEncoder().encode(Array.from({ length: n }, (_, i) => part(`r${i}.xml`, "<a/>")).join("") + "--b--\r\n");
const request = (body: Uint8Array) =>
  new Request("http://x/", {
    method: "POST",
    body: body as BodyInit,
    headers: { "content-type": "multipart/form-data; boundary=b" },
  });

describe("multipart uploads", () => {
  it("counts the parts on the bytes: delimiters at a line start, less the closing one", () => {
    expect(countParts(multipart(3), "multipart/form-data; boundary=b")).toBe(3);
    expect(countParts(multipart(3), 'multipart/form-data; boundary="b"')).toBe(3);
    // The boundary inside a line is content, not a delimiter.
    const inline = new TextEncoder().encode(part("x.xml", "see --b here") + "--b--\r\n");
    expect(countParts(inline, "multipart/form-data; boundary=b")).toBe(1);
    expect(countParts(multipart(2), "multipart/form-data")).toBe(0);
  });

  it("refuses more parts than the limit with 413 naming maxUploadParts, and reads up to it", async () => {
    await expect(readUpload(request(multipart(4)), 1 << 20, 3)).rejects.toMatchObject({
      status: 413,
      code: "too_many_parts",
      message: expect.stringMatching(/4 parts, more than the limit of 3 \(maxUploadParts\)/),
    });
    expect(await readUpload(request(multipart(3)), 1 << 20, 3)).toHaveLength(3);
  });

  it("answers 503 busy with Retry-After when the shared budget cannot hold the body, taking nothing", async () => {
    const budget = new ByteBudget(100);
    const lease = budget.lease();
    await expect(readUpload(request(multipart(3)), 1 << 20, 10, lease)).rejects.toMatchObject({
      status: 503,
      code: "busy",
      headers: { "Retry-After": "2" },
    });
    lease.release();
    expect(budget.inUse).toBe(0);
    const roomy = new ByteBudget(1 << 20).lease();
    expect(await readUpload(request(multipart(3)), 1 << 20, 10, roomy)).toHaveLength(3);
  });
});
