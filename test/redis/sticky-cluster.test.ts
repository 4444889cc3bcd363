import { fork, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { workerIdOfRequest } from "@switchboard/redis-adapter";
import { sleep, waitFor } from "../support/index.js";
import { freePort, startRedis, type RedisServer } from "./redis-server.js";

// examples/cluster: a Node cluster (primary + 2 workers) behind one port with the sticky helper,
// Redis between the workers, running the chat example; clients use long-polling only.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let redis: RedisServer;
let primary: ChildProcess;
let url: string;
const clients: ClientSocket[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", "examples/chat", "adapters/redis", "examples/cluster"], {
    cwd: root,
    stdio: "pipe",
  });
  redis = await startRedis();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  primary = fork(join(root, "examples/cluster/dist/main.js"), [], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", WORKERS: "2", REDIS_URL: redis.url },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let out = "";
  primary.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  await waitFor(() => out.includes("chat cluster"), 15_000, "the cluster primary");
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  if (primary && primary.exitCode === null) {
    const exited = new Promise((r) => primary.once("exit", r));
    primary.kill("SIGTERM");
    await exited;
  }
  await redis?.stop();
}, 30_000);

function pollingClient(): ClientSocket {
  const socket = connect(url, { transports: ["polling"], forceNew: true, reconnection: false });
  clients.push(socket);
  return socket;
}

describe("examples/cluster: sticky sessions on a Node cluster", () => {
  it("reads the owning worker from a request line", () => {
    expect(workerIdOfRequest("GET /socket.io/?EIO=4&transport=polling&sid=12~abc HTTP/1.1\r\nHost: x\r\n")).toBe(12);
    expect(workerIdOfRequest("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n")).toBeUndefined();
  });

  it("keeps long-polling sessions on their worker and chats across workers", async () => {
    const sockets = [pollingClient(), pollingClient(), pollingClient(), pollingClient()];
    await waitFor(() => sockets.every((s) => s.connected), 10_000, "polling clients");
    const owners = new Set(sockets.map((s) => s.io.engine.id!.split("~")[0]));
    expect(owners.size).toBe(2);
    // Several polling round trips: each must reach the worker that owns the session.
    for (const [i, s] of sockets.entries()) {
      const login = await s.timeout(5000).emitWithAck("login", `user${i}`);
      expect(login).toMatchObject({ ok: true });
      const join = await s.timeout(5000).emitWithAck("join", "general");
      expect(join).toMatchObject({ ok: true, room: "general" });
    }
    const received = sockets.map(() => [] as Array<{ from: string; text: string }>);
    sockets.forEach((s, i) => s.on("message", (m: { from: string; text: string }) => received[i]!.push(m)));
    const sent = await sockets[0]!.timeout(5000).emitWithAck("message", "general", "hello cluster");
    expect(sent).toMatchObject({ ok: true });
    await waitFor(() => received.every((r) => r.some((m) => m.text === "hello cluster")), 10_000, "the message on every worker");
    await sleep(200);
    for (const r of received) expect(r.filter((m) => m.text === "hello cluster")).toHaveLength(1);
    expect(sockets.every((s) => s.connected)).toBe(true);
  }, 30_000);
});
