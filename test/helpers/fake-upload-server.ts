import { listenLocal } from "./local-server.ts";

/** One request as the test server received it, body still gzipped. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A scripted answer; "hang-up" drops the connection to cause a network error. */
export type ScriptedReply = { status: number; headers?: Record<string, string>; body?: unknown } | "hang-up";

/** A real HTTP server on 127.0.0.1 (ephemeral port) for upload tests; replies in order, repeating the last. */
export async function startRecordingServer(replies: ScriptedReply[]) {
  const requests: RecordedRequest[] = [];
  const server = await listenLocal((request, body, response) => {
    requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
    const reply = replies[Math.min(requests.length, replies.length) - 1];
    if (reply === "hang-up" || reply === undefined) {
      request.socket.destroy();
      return;
    }
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
    response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    response.end(text);
  });
  return { ...server, requests };
}
