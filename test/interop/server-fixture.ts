// Shared setup of the server-*.test.ts files: our Server on an ephemeral port, official clients.
import { createServer } from "node:http";
import { io as ioc, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import { Server, type ServerOptions } from "@switchboard/server";
import { closeServer, listen } from "../support/index.js";

export type TransportMode = "polling" | "websocket" | "upgrade";

/** The three ways an official client reaches the server. */
export const TRANSPORT_MODES: TransportMode[] = ["polling", "websocket", "upgrade"];

export function transportsOf(mode: TransportMode): Partial<ManagerOptions> {
  if (mode === "polling") return { transports: ["polling"] };
  if (mode === "websocket") return { transports: ["websocket"] };
  return { transports: ["polling", "websocket"], upgrade: true };
}

export interface Fixture {
  io: Server;
  url: string;
  port: number;
  /** An official client with reconnection off unless asked, closed by `close()`. */
  client(nsp?: string, opts?: Partial<ManagerOptions & SocketOptions>): ClientSocket;
  close(): Promise<void>;
}

/** Starts our Server on an http server bound to 127.0.0.1:0. */
export async function startServer(opts: Partial<ServerOptions> = {}, mode: TransportMode = "upgrade"): Promise<Fixture> {
  const http = createServer();
  const io = new Server(http, opts);
  const { url, port } = await listen(http);
  const clients: ClientSocket[] = [];
  return {
    io,
    url,
    port,
    client(nsp = "/", clientOpts = {}) {
      const socket = ioc(url + nsp, {
        forceNew: true,
        reconnection: false,
        ...transportsOf(mode),
        ...(opts.path ? { path: opts.path } : {}),
        ...clientOpts,
      });
      clients.push(socket);
      return socket;
    },
    async close() {
      for (const socket of clients) {
        socket.io.opts.reconnection = false;
        socket.disconnect();
        socket.io.engine?.close();
      }
      await io.close();
      await closeServer(http);
    },
  };
}

/** Resolves when the client has connected (rejects on `connect_error`). */
export function connected(socket: ClientSocket, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error("client did not connect")), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Resolves once the client is on WebSocket (immediately unless the mode is "upgrade"). */
export async function upgraded(socket: ClientSocket, mode: TransportMode, timeoutMs = 5000): Promise<void> {
  if (mode !== "upgrade") return;
  const engine = socket.io.engine;
  if (engine.transport.name === "websocket") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no upgrade")), timeoutMs);
    engine.once("upgrade", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
