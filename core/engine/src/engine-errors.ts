import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** Engine.IO's handshake/request error codes, sent as `{"code","message"}`. */
export const EngineErrorCode = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;

export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

/** The exact messages Engine.IO sends for each code. */
export const ENGINE_ERROR_MESSAGES: Readonly<Record<EngineErrorCode, string>> = {
  0: "Transport unknown",
  1: "Session ID unknown",
  2: "Bad handshake method",
  3: "Bad request",
  4: "Forbidden",
  5: "Unsupported protocol version",
};

/** Details of a refused request, as carried by the `connection_error` event. */
export type EngineErrorContext = Record<string, unknown>;

/** Answers a refused HTTP request: 403 for Forbidden, 400 otherwise, with a JSON body. */
export function writeEngineError(res: ServerResponse, code: EngineErrorCode, message: string): void {
  if (res.headersSent || res.writableEnded) return;
  const body = JSON.stringify({ code, message });
  res.writeHead(code === EngineErrorCode.FORBIDDEN ? 403 : 400, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Refuses a WebSocket upgrade before any 101 is written, then drops the connection. */
export function abortUpgrade(socket: Duplex, code: EngineErrorCode, message: string, status = code === EngineErrorCode.FORBIDDEN ? 403 : 400): void {
  socket.on("error", () => undefined); // the peer may already be gone; nothing more to tell it
  if (socket.writable) {
    const body = JSON.stringify({ code, message });
    socket.write(
      `HTTP/1.1 ${status} ${status === 403 ? "Forbidden" : "Bad Request"}\r\n` +
        "Connection: close\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
