// A real HTTP server on 127.0.0.1 (ephemeral port) for the CLI tests' fakes of the FlakeGuard API.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Handles one request whose body has been read whole. */
export type LocalHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** Starts the server; `close` also drops kept-alive connections (fetch keeps them; close() alone would wait). */
export async function listenLocal(handle: LocalHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
