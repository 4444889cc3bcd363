import { randomBytes } from "node:crypto";
import cluster from "node:cluster";
import { createClient } from "redis";
import { setupPrimary, setupWorker } from "@switchboard/redis-adapter";
import { createAdapter } from "@switchboard/redis-streams-adapter";
// The chat example's server, built by `tsc -b examples/chat` (same depth below dist/ and src/).
import { createChatServer } from "../../chat/dist/node/main.js";
import { RedisChatStore } from "./redis-chat-store.js";

/**
 * The chat example on several processes behind one port: Node's cluster module, the sticky
 * helper (long-polling requests reach the worker that owns their session) and Redis between
 * the workers: the Redis Streams adapter carries broadcasts, presence (`fetchSockets`), the login
 * route's "is this name taken" question and the sessions of connection state recovery; the store
 * keeps rooms and history. Every worker verifies the same tokens: the primary hands them one secret.
 *
 * Rolling restart: SIGHUP to the primary replaces the workers one by one (a new one listens before
 * the old one leaves). A worker that gets SIGTERM hands its clients over to the others, spread over
 * HANDOVER_WINDOW_MS, and they recover their sessions there.
 */
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";
const workers = Number(process.env.WORKERS ?? 2);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const handoverWindow = Number(process.env.HANDOVER_WINDOW_MS ?? 5000);

if (cluster.isPrimary) {
  if (!process.env.JWT_SECRET) {
    // Workers inherit the environment: one secret for all of them, replacements included.
    process.env.JWT_SECRET = randomBytes(32).toString("hex");
    console.log("JWT_SECRET is not set: the workers share a random secret that ends with this primary (pages log in again by themselves)");
  }
  let stopping = false;
  /** Workers leaving in a rolling restart: already replaced. */
  const retiring = new Set<number>();
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    if (stopping || retiring.delete(worker.id)) return;
    console.log(`worker ${worker.id} exited (${code}), starting another`);
    cluster.fork();
  });
  // Listen once every worker can take connections (they connect to Redis first).
  let ready = 0;
  let server: ReturnType<typeof setupPrimary> | undefined;
  cluster.on("message", (_worker, message: { type?: string }) => {
    if (message?.type !== "worker-ready" || ++ready !== workers) return;
    server = setupPrimary({ port, host });
    server.on("listening", () => console.log(`chat cluster (${workers} workers) on http://${host}:${port}`));
  });
  const stop = () => {
    stopping = true;
    server?.close();
    // The whole cluster stops: no other worker to hand clients over to.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGINT");
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let restarting = false;
  const rollingRestart = async () => {
    if (restarting || stopping) return;
    restarting = true;
    for (const old of Object.values(cluster.workers ?? {})) {
      if (!old || stopping) continue;
      const fresh = cluster.fork();
      await new Promise<void>((resolve) => {
        const onMessage = (message: { type?: string }) => {
          if (message?.type !== "worker-ready") return;
          fresh.off("message", onMessage);
          resolve();
        };
        fresh.on("message", onMessage);
        fresh.once("exit", () => resolve());
      });
      retiring.add(old.id);
      const exited = new Promise((resolve) => old.once("exit", resolve));
      old.kill("SIGTERM");
      await exited;
      console.log(`worker ${old.id} replaced by worker ${fresh.id}`);
    }
    restarting = false;
    console.log("rolling restart done");
  };
  process.on("SIGHUP", () => void rollingRestart());
} else {
  const redis = createClient({ url: redisUrl });
  const data = redis.duplicate();
  for (const client of [redis, data]) client.on("error", (err: Error) => console.error(`redis: ${err.message}`));
  await Promise.all([redis.connect(), data.connect()]);
  const { httpServer, io } = createChatServer({ store: new RedisChatStore(data) });
  io.adapter(createAdapter(redis));
  io.of("/").adapter.on("error", (err: Error) => console.error(`adapter: ${err.message}`));
  await (io.of("/").adapter as unknown as { init(): Promise<void> }).init();
  setupWorker(httpServer, io);
  process.send?.({ type: "worker-ready", id: cluster.worker?.id });
  const stop = (handover: boolean) => {
    // Out of the primary's rotation first: new connections go to the other workers.
    if (handover) cluster.worker?.disconnect();
    void io
      .close({ handover: handover && { window: handoverWindow } })
      .then(() => Promise.allSettled([redis.quit(), data.quit()]))
      .then(() => process.exit(0));
  };
  process.once("SIGTERM", () => stop(true));
  process.once("SIGINT", () => stop(false));
}
