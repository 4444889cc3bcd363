import { createClient } from "redis";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { Server } from "@switchboard/server";
import { createAdapter, type RedisAdapter, type RedisAdapterOptions } from "@switchboard/redis-adapter";
import { closeServer, listen, waitFor } from "../support/index.js";

const newClient = (url: string) => createClient({ url, socket: { reconnectStrategy: () => 50 } });
export type RedisNodeClient = ReturnType<typeof newClient>;

/** One Switchboard server node in this process, on its own port and its own Redis connections. */
export interface SwitchboardNode {
  io: Server;
  url: string;
  pub: RedisNodeClient;
  sub: RedisNodeClient;
  errors: Error[];
  close(): Promise<void>;
}

/** Errors of every Redis client the helpers created (connection drops during restarts...). */
export const clientErrors: Error[] = [];

/** One connected client (fast reconnection, errors recorded in `clientErrors`). */
export async function redisClient(url: string): Promise<RedisNodeClient> {
  // Fast reconnection (newClient) so the restart tests do not wait on the default back-off.
  const client = newClient(url);
  // Without an error listener node-redis throws on a dropped connection.
  client.on("error", (err: Error) => clientErrors.push(err));
  await client.connect();
  return client;
}

/** A publishing and a subscribing client, as an adapter needs them. */
export async function redisClients(url: string): Promise<[RedisNodeClient, RedisNodeClient]> {
  return Promise.all([redisClient(url), redisClient(url)]);
}

export async function quitClient(client: RedisNodeClient): Promise<void> {
  if (!client.isOpen) return;
  try {
    await client.quit();
  } catch {
    client.destroy();
  }
}

export async function startNode(redisUrl: string, opts: RedisAdapterOptions = {}): Promise<SwitchboardNode> {
  const [pub, sub] = await redisClients(redisUrl);
  const errors: Error[] = [];
  pub.on("error", (err: Error) => errors.push(err));
  sub.on("error", (err: Error) => errors.push(err));
  const { server, url } = await listen();
  const io = new Server(server);
  io.adapter(createAdapter(pub, sub, opts));
  await (io.of("/").adapter as unknown as RedisAdapter).init();
  return {
    io,
    url,
    pub,
    sub,
    errors,
    close: async () => {
      await io.close();
      await closeServer(server);
      await Promise.all([quitClient(pub), quitClient(sub)]);
    },
  };
}

/** Waits until `count` nodes listen on the namespace's request channel. */
export async function waitForNodes(io: Server, count: number, nsp = "/"): Promise<void> {
  let seen = 0;
  const deadline = Date.now() + 5000;
  while (seen !== count) {
    seen = await io.of(nsp).adapter.serverCount();
    if (seen === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} nodes, Redis counts ${seen}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function connectClient(url: string, query: Record<string, string> = {}, nsp = "/"): Promise<ClientSocket> {
  const socket = connect(url + nsp, { query, forceNew: true, reconnection: false, transports: ["websocket"] });
  await waitFor(() => socket.connected, 5000, "client connection");
  return socket;
}

/** Collects the arguments of every `event` a client receives. */
export function record(socket: ClientSocket, event: string): unknown[][] {
  const seen: unknown[][] = [];
  socket.on(event, (...args: unknown[]) => seen.push(args));
  return seen;
}
