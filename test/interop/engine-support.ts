import type { Server } from "node:http";
import { Socket as ClientSocket, type SocketOptions } from "engine.io-client";
import { Engine, type EngineOptions, type EngineSocket } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";

export interface EngineFixture {
  engine: Engine;
  server: Server;
  port: number;
  url: string;
  /** Opens an official engine.io-client socket, closed by `cleanup`. */
  client(opts?: Partial<SocketOptions>): ClientSocket;
  /** Next server-side connection. */
  nextConnection(): Promise<EngineSocket>;
  cleanup(): Promise<void>;
}

/** An Engine attached to a fresh HTTP server on an ephemeral port, plus a client factory. */
export async function startEngine(opts: EngineOptions = {}): Promise<EngineFixture> {
  const engine = new Engine(opts);
  const { server, port, url } = await listen();
  engine.attach(server);
  const clients: ClientSocket[] = [];
  return {
    engine,
    server,
    port,
    url,
    client(clientOpts = {}) {
      const socket = new ClientSocket(url, { transports: ["polling", "websocket"], ...clientOpts });
      clients.push(socket);
      return socket;
    },
    async nextConnection() {
      const [socket] = await once<[EngineSocket]>(engine, "connection");
      return socket;
    },
    async cleanup() {
      for (const client of clients) client.close();
      engine.close();
      await closeServer(server);
    },
  };
}

/** Raw HTTP request to the engine path; returns status, headers and body text. */
export async function rawRequest(
  url: string,
  query: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${url}/engine.io/?${query}`, { method: init.method ?? "GET", body: init.body, headers: init.headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Performs a raw polling handshake and returns the session id and handshake data. */
export async function rawHandshake(url: string): Promise<{ sid: string; data: Record<string, unknown> }> {
  const res = await rawRequest(url, "EIO=4&transport=polling");
  if (res.status !== 200 || !res.body.startsWith("0")) throw new Error(`handshake failed: ${res.status} ${res.body}`);
  const data = JSON.parse(res.body.slice(1).split("\x1e")[0]) as Record<string, unknown>;
  return { sid: data.sid as string, data };
}
