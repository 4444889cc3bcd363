// Node implementation of the platform hooks. The browser bundle swaps this file for
// platform-browser.ts (esbuild plugin in scripts/build-bundle.mjs and the `browser` field).
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { WebSocket } from "ws";
import type { EngineOptions } from "./engine-options.js";
import type { CookieJar } from "./cookie-jar.js";
import type { BinaryType } from "@switchboard/protocol";
import type { HttpRequestInit, PendingRequest, Platform, WebSocketLike } from "./platform-types.js";

function headersFor(opts: EngineOptions, jar: CookieJar | undefined): Record<string, string> {
  const headers: Record<string, string> = { ...opts.extraHeaders };
  const cookie = jar?.header();
  if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
  return headers;
}

function tlsOptions(opts: EngineOptions): Record<string, unknown> {
  const tls: Record<string, unknown> = {};
  for (const key of ["pfx", "key", "passphrase", "cert", "ca", "ciphers", "rejectUnauthorized"] as const) {
    if (opts[key] !== undefined) tls[key] = opts[key];
  }
  return tls;
}

function request({ method, url, body, opts, jar }: HttpRequestInit): PendingRequest {
  const headers = headersFor(opts, jar);
  if (body !== undefined) {
    headers["content-type"] = "text/plain;charset=UTF-8";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  const options: RequestOptions = { method, headers, ...tlsOptions(opts) };
  if (opts.agent !== false && opts.agent !== undefined) options.agent = opts.agent as RequestOptions["agent"];
  const send = url.startsWith("https:") ? httpsRequest : httpRequest;
  let abort!: () => void;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = send(url, options, (res: IncomingMessage) => {
      if (jar && opts.withCredentials) jar.parse(res.headers["set-cookie"]);
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    // Every request: a keep-alive agent refs a socket again when it reuses it.
    if (opts.autoUnref) req.on("socket", (socket) => socket.unref());
    if (opts.requestTimeout > 0) {
      req.setTimeout(opts.requestTimeout, () => req.destroy(new Error("request timeout")));
    }
    abort = () => req.destroy(new Error("request aborted"));
    req.end(body);
  });
  return { response, abort };
}

function createWebSocket(url: string, opts: EngineOptions, jar: CookieJar | undefined, binaryType: BinaryType): WebSocketLike {
  const options: Record<string, unknown> = {
    headers: headersFor(opts, jar),
    perMessageDeflate: opts.perMessageDeflate,
    ...tlsOptions(opts),
  };
  if (opts.agent !== false && opts.agent !== undefined) options.agent = opts.agent;
  const ws = new WebSocket(url, opts.protocols, options);
  if (jar && opts.withCredentials) ws.on("upgrade", (res: IncomingMessage) => jar.parse(res.headers["set-cookie"]));
  // The handshake's socket is the WebSocket's from then on.
  if (opts.autoUnref) ws.on("upgrade", (res: IncomingMessage) => res.socket.unref());
  ws.binaryType = binaryType;
  return ws as unknown as WebSocketLike;
}

export const platform: Platform = { name: "node", binaryType: "nodebuffer", request, createWebSocket };
