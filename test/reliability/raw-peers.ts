/**
 * Hand-rolled Engine.IO peers for hostile-input tests: a raw WebSocket session, a raw polling
 * session, raw WebSocket frames (bad RSV bits, invalid UTF-8, any length) and raw HTTP requests.
 * They speak just enough of the protocol to open a session and then send whatever they are given.
 * Only Node built-ins are imported; `ws` is passed in (see hostile-run.ts for why).
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import type { WebSocket as WsWebSocket } from "ws";

export type WebSocketClass = typeof WsWebSocket;

/** Resolves with `promise`, or with `fallback` after `ms` (the timer never outlives the race). */
export function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => (timer = setTimeout(resolve, ms, fallback)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A client-to-server WebSocket frame built by hand (masked, as RFC 6455 requires of clients), so a
 * test can send what `ws` itself refuses to: RSV bits, invalid UTF-8 in a text frame, any opcode.
 */
export function wsFrame(opcode: number, payload: Uint8Array, opts: { rsv?: number; fin?: boolean } = {}): Buffer {
  const length = payload.length;
  const header: number[] = [((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode];
  if (length < 126) header.push(0x80 | length);
  else if (length < 65536) header.push(0x80 | 126, length >> 8, length & 0xff);
  else header.push(0x80 | 127, 0, 0, 0, 0, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  const mask = [0x12, 0x34, 0x56, 0x78];
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([Buffer.from(header), Buffer.from(mask), body]);
}

/** An engine session over a raw `ws` socket, opened with the handshake answered. */
export interface RawWebSocketSession {
  readonly ws: WsWebSocket;
  /** Everything the server sent, as text (binary frames as `<n bytes>`). */
  readonly received: string[];
  /** Resolves with the close code once the connection is gone, whoever closed it. */
  readonly closed: Promise<number>;
  /** Sends a text or binary frame (ignored once closed). */
  send(frame: string | Uint8Array): void;
  /** Writes raw bytes on the TCP socket, bypassing `ws` (hand-made frames). */
  writeRaw(bytes: Uint8Array): void;
}

export async function openRawWebSocket(WebSocket: WebSocketClass, url: string, path = "/socket.io/"): Promise<RawWebSocketSession> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${path}?EIO=4&transport=websocket`);
  const received: string[] = [];
  // The server may answer bad input with a reset: that must not crash the test process either.
  ws.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? `<${data.length} bytes>` : data.toString();
      received.push(text);
      if (text.startsWith("0{")) resolve();
    });
    void closed.then((code) => reject(new Error(`websocket closed (${code}) before the handshake`)));
  });
  await opened;
  return {
    ws,
    received,
    closed,
    send(frame) {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (typeof frame === "string") ws.send(frame);
      else ws.send(frame, { binary: true });
    },
    writeRaw(bytes) {
      const socket = (ws as unknown as { _socket?: { writable: boolean; write(b: Uint8Array): void } })._socket;
      if (socket?.writable) socket.write(bytes);
    },
  };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One plain HTTP request with no connection reuse; network errors become status 0. */
export function httpCall(url: string, method: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method, agent: false, headers: { connection: "close", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", () => resolve({ status: 0, body: "" }));
    });
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.end(body);
  });
}

/** An engine session over raw HTTP long-polling, with one GET always pending. */
export interface RawPollingSession {
  readonly sid: string;
  /** Resolves once the server closed the session (a close packet, or an error status). */
  readonly closed: Promise<void>;
  /** POSTs a body to the session. */
  post(body: string | Uint8Array, headers?: Record<string, string>): Promise<HttpAnswer>;
}

export async function openRawPolling(url: string, path = "/socket.io/"): Promise<RawPollingSession> {
  const base = `${url}${path}?EIO=4&transport=polling`;
  const handshake = await httpCall(base, "GET");
  const match = /^0(\{.*\})/.exec(handshake.body);
  if (handshake.status !== 200 || !match) throw new Error(`bad polling handshake: ${handshake.status} ${handshake.body}`);
  const sid = (JSON.parse(match[1]) as { sid: string }).sid;
  const sessionUrl = `${base}&sid=${encodeURIComponent(sid)}`;
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    httpCall(sessionUrl, "POST", body, { "content-type": "text/plain;charset=UTF-8", ...headers });
  const closed = (async () => {
    for (;;) {
      const answer = await httpCall(sessionUrl, "GET");
      if (answer.status !== 200) return;
      const records = answer.body.split("\x1e");
      if (records.includes("1")) return;
      // Answer heartbeats so that only bad input, never silence, ends the session.
      if (records.includes("2")) await post("3");
    }
  })();
  return { sid, closed, post };
}

/**
 * Writes raw bytes to the server over a fresh TCP connection and resolves with everything it
 * answered once it closes the connection (or `timeoutMs` passes, then we close it).
 */
export function rawTcp(port: number, bytes: string | Uint8Array, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.end(bytes);
  });
}
