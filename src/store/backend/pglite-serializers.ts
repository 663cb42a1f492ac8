// PGlite sends every parameter as text. Its bytea serializer maps each byte through toString(16) and
// padStart and joins them: 5.6 s for the 500 raw reports (58 KB gzipped each) of bench:ingest, on the
// thread that runs Postgres. Node's Buffer writes the same hex text in 21 ms.

const BYTEA = 17;

/** A bytea parameter in PostgreSQL's hex format (`\x0a1b…`), exactly as PGlite's own serializer writes it. */
export function byteaHex(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error("Invalid input for bytea type");
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
}

/** Serializers given to PGlite when it is created; PGlite keeps its own for every other type. */
export const PGLITE_SERIALIZERS: Record<number, (value: unknown) => string> = { [BYTEA]: byteaHex };
