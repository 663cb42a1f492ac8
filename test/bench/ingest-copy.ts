// `COPY … FROM STDIN` over a plain `pg` client, without pg-copy-streams: a submittable query that answers
// the server's CopyInResponse by sending chunks (waiting for the socket to drain) and then CopyDone.
import type { Client } from "pg";

/** The slice of pg's Connection that COPY needs (not in @types/pg). */
interface CopyConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  query(text: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

/** Runs `statement` (a COPY FROM STDIN) feeding it `chunks`; resolves when the server has the rows. */
export function copyFrom(client: Client, statement: string, chunks: Iterable<Buffer>): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed: Error | undefined;
    const pump = async (connection: CopyConnection): Promise<void> => {
      try {
        for (const chunk of chunks) {
          connection.sendCopyFromChunk(chunk);
          if (connection.stream.writableNeedDrain) await new Promise((r) => connection.stream.once("drain", r));
        }
        connection.endCopyFrom();
      } catch (e) {
        connection.sendCopyFail((e as Error).message);
      }
    };
    const submittable = {
      submit: (connection: CopyConnection) => connection.query(statement),
      handleCopyInResponse: (connection: CopyConnection) => void pump(connection),
      handleCommandComplete: () => {},
      handleReadyForQuery: () => (failed ? reject(failed) : resolve()),
      handleError: (err: Error) => (failed = err),
      handleEmptyQuery: () => {},
      handleRowDescription: () => {},
      handleDataRow: () => {},
    };
    void client.query(submittable as never);
  });
}

/** One value in COPY text format: the store's own. */
export { copyText } from "../../src/store/backend/bulk.ts";
