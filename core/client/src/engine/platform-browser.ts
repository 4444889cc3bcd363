// Browser implementation of the platform hooks: native WebSocket and XMLHttpRequest (fetch as a
// fallback where XHR is missing, e.g. service workers). No Node built-ins in here.
import type { EngineOptions } from "./engine-options.js";
import { browserGlobals } from "./browser-globals.js";
import type { HttpRequestInit, HttpResponse, PendingRequest, Platform, WebSocketLike } from "./platform-types.js";

function xhrRequest({ method, url, body, opts }: HttpRequestInit): PendingRequest {
  const xhr = new browserGlobals.XMLHttpRequest!();
  const response = new Promise<HttpResponse>((resolve, reject) => {
    xhr.open(method, url, true);
    xhr.withCredentials = opts.withCredentials;
    if (opts.requestTimeout > 0) xhr.timeout = opts.requestTimeout;
    for (const [name, value] of Object.entries(opts.extraHeaders)) xhr.setRequestHeader(name, value);
    if (body !== undefined) xhr.setRequestHeader("Content-Type", "text/plain;charset=UTF-8");
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    xhr.onerror = () => reject(new Error("xhr poll error"));
    xhr.ontimeout = () => reject(new Error("request timeout"));
    xhr.onabort = () => reject(new Error("request aborted"));
    xhr.send(body ?? null);
  });
  return { response, abort: () => xhr.abort() };
}

function fetchRequest({ method, url, body, opts }: HttpRequestInit): PendingRequest {
  const controller = new AbortController();
  const headers: Record<string, string> = { ...opts.extraHeaders };
  if (body !== undefined) headers["content-type"] = "text/plain;charset=UTF-8";
  const timer = opts.requestTimeout > 0 ? setTimeout(() => controller.abort(), opts.requestTimeout) : undefined;
  const response = fetch(url, {
    method,
    body: body ?? null,
    headers,
    credentials: opts.withCredentials ? "include" : "omit",
    signal: controller.signal,
  })
    .then(async (res) => ({ status: res.status, body: await res.text() }))
    .finally(() => clearTimeout(timer));
  return { response, abort: () => controller.abort() };
}

function createWebSocket(url: string, opts: EngineOptions): WebSocketLike {
  const protocols = opts.protocols;
  const NativeWebSocket = browserGlobals.WebSocket;
  if (!NativeWebSocket) throw new Error("WebSocket is not available in this environment");
  const ws = new NativeWebSocket(url, Array.isArray(protocols) && protocols.length === 0 ? undefined : protocols) as WebSocketLike;
  ws.binaryType = "arraybuffer";
  return ws;
}

export const platform: Platform = {
  name: "browser",
  binaryType: "arraybuffer",
  request: (init) => (typeof browserGlobals.XMLHttpRequest === "function" ? xhrRequest(init) : fetchRequest(init)),
  createWebSocket,
};
