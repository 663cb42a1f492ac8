// Every API route from the OpenAPI document, sent JSON of the wrong shape: wrong types for each field, extra
// keys, bare values, broken JSON, and junk query values. Each answer is a 4xx with the error shape, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
}
interface Operation {
  method: string;
  path: string;
  body?: Schema;
  query: { name: string; schema: Schema }[];
}

/** A value of a different JSON type than the schema asks for. */
function wrongValue(schema: Schema): unknown {
  switch (schema.type) {
    case "string":
      return 12345;
    case "number":
    case "integer":
      return "not a number";
    case "boolean":
      return "yes";
    case "array":
      return { not: "an array" };
    case "object":
      return ["not", "an", "object"];
    default:
      return [[{}]];
  }
}

/** Bodies of the wrong shape for one operation: every field wrong at once, one at a time, extra keys, bare values. */
function hostileBodies(schema: Schema, resolve: (s: Schema) => Schema): unknown[] {
  const object = resolve(schema);
  const fields = Object.entries(object.properties ?? {}).map(([k, v]) => [k, resolve(v)] as const);
  const bodies: unknown[] = [
    null,
    0,
    "text",
    true,
    [],
    [{}],
    {},
    { __proto__: { admin: true }, constructor: { prototype: 1 } },
  ];
  bodies.push(Object.fromEntries(fields.map(([k, v]) => [k, wrongValue(v)])));
  for (const [k, v] of fields) bodies.push({ [k]: wrongValue(v) }, { [k]: null }, { [k]: "x".repeat(100_000) });
  bodies.push({ ...Object.fromEntries(fields.map(([k]) => [k, "x"])), unexpectedKey: 1, another: { deep: [1, 2] } });
  return bodies;
}

describe("JSON of the wrong shape on every API route", () => {
  let t: TestApp;
  let operations: Operation[] = [];
  let resolve: (s: Schema) => Schema = (s) => s;

  beforeAll(async () => {
    t = await startTestApp("sqlite");
    expect((await t.json("POST", "/api/v1/projects", { slug: "p" })).status).toBe(201);
    const doc = (await t.json("GET", "/api/v1/openapi.json")).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content?: Record<string, { schema: Schema }> };
            parameters?: { in: string; name: string; schema: Schema }[];
          }
        >
      >;
      components?: { schemas?: Record<string, Schema> };
    };
    resolve = (s) => (s.$ref ? (doc.components?.schemas?.[s.$ref.split("/").pop()!] ?? {}) : s);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations.push({
          method: method.toUpperCase(),
          path: path.replace(/\{project\}/g, "p").replace(/\{[^}]+\}/g, "00000000-0000-7000-8000-000000000000"),
          body: op.requestBody?.content?.["application/json"]?.schema,
          query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema })),
        });
      }
    }
    operations = operations.filter((o) => o.path.startsWith("/api/"));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Asserts a 4xx with the error shape. */
  async function refusedCleanly(res: Response, what: string) {
    const text = await res.text();
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
    expect(JSON.parse(text), what).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  }

  it("finds the routes that take JSON bodies", () => {
    expect(operations.filter((o) => o.body).length).toBeGreaterThanOrEqual(4);
  });

  it("answers every wrong-shaped body, bare value and extra key with a 4xx", async () => {
    for (const op of operations.filter((o) => o.body)) {
      for (const body of hostileBodies(op.body!, resolve)) {
        const res = await t.request(op.path, {
          method: op.method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        if (
          res.status < 300 &&
          body !== null &&
          typeof body === "object" &&
          !Array.isArray(body) &&
          Object.keys(body).length === 0
        )
          continue; // {} may be a valid body
        await refusedCleanly(res, `${op.method} ${op.path} ${JSON.stringify(body).slice(0, 100)}`);
      }
    }
  });

  it("answers broken JSON, a wrong content type and an oversized body with a 4xx", async () => {
    for (const op of operations.filter((o) => o.body)) {
      for (const [type, body] of [
        ["application/json", "{"],
        ["application/json", '{"a":'],
        ["text/plain", "{}"],
        ["application/json", `[${"1,".repeat(600_000)}1]`],
      ]) {
        const res = await t.request(op.path, { method: op.method, headers: { "content-type": type }, body });
        await refusedCleanly(res, `${op.method} ${op.path} ${type} ${body.slice(0, 20)}`);
      }
    }
  });

  it("answers junk query values on every route with a 4xx or a normal answer, never a 5xx", async () => {
    const junk = ["-1", "1e400", "NaN", "x".repeat(5000), "%00", "[]", "__proto__"];
    for (const op of operations) {
      for (const value of junk) {
        const query = op.query.map((q) => `${q.name}=${encodeURIComponent(value)}`).join("&");
        const res = await t.request(`${op.path}?${query}`, {
          method: op.method,
          headers: { "content-type": "application/json" },
          body: op.method === "GET" ? undefined : "{}",
        });
        expect(res.status, `${op.method} ${op.path}?${query.slice(0, 80)}`).toBeLessThan(500);
      }
    }
  });
});
