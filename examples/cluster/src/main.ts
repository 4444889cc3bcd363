import { randomBytes } from "node:crypto";
import cluster from "node:cluster";
import { createClient } from "redis";
import { createAdapter, setupPrimary, setupWorker } from "@switchboard/redis-adapter";
// The chat example's server, built by `tsc -b examples/chat` (same depth below dist/ and src/).
import { createChatServer } from "../../chat/dist/node/main.js";
import { RedisChatStore } from "./redis-chat-store.js";

/**
 * The chat example on several processes behind one port: Node's cluster module, the sticky
 * helper (long-polling requests reach the worker that owns their session) and Redis between
 * the workers: the adapter carries broadcasts, presence (`fetchSockets`) and the login route's
 * "is this name taken" question; the store keeps rooms and history. Every worker verifies the
 * same tokens: the primary hands them one secret.
 */
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";
const workers = Number(process.env.WORKERS ?? 2);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

if (cluster.isPrimary) {
  if (!process.env.JWT_SECRET) {
    // Workers inherit the environment: one secret for all of them, replacements included.
    process.env.JWT_SECRET = randomBytes(32).toString("hex");
    console.log("JWT_SECRET is not set: the workers share a random secret that ends with this primary (pages log in again by themselves)");
  }
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    if (stopping) return;
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
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} else {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  const data = pub.duplicate();
  for (const client of [pub, sub, data]) client.on("error", (err: Error) => console.error(`redis: ${err.message}`));
  await Promise.all([pub.connect(), sub.connect(), data.connect()]);
  const { httpServer, io } = createChatServer({ store: new RedisChatStore(data) });
  io.adapter(createAdapter(pub, sub));
  io.of("/").adapter.on("error", (err: Error) => console.error(`adapter: ${err.message}`));
  setupWorker(httpServer, io);
  process.send?.({ type: "worker-ready", id: cluster.worker?.id });
  const stop = () =>
    void io
      .close()
      .then(() => Promise.allSettled([pub.quit(), sub.quit(), data.quit()]))
      .then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
