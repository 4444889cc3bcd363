import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "@switchboard/server";
import { closeServer, listen } from "../support/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

interface Run {
  child: ChildProcess;
  /** Lines of JSON the script printed, in order. */
  steps: Array<{ step: string; [key: string]: unknown }>;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  /** Resolves once the script printed `step`. */
  reached(step: string): Promise<{ step: string; [key: string]: unknown }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [join(here, "fixtures", "auto-unref.mjs"), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const steps: Run["steps"] = [];
  const waiters: Array<() => void> = [];
  let buffered = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      steps.push(JSON.parse(buffered.slice(0, nl)));
      buffered = buffered.slice(nl + 1);
      for (const w of waiters.splice(0)) w();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const reached = (step: string) =>
    new Promise<Run["steps"][number]>((resolve, reject) => {
      const check = () => {
        const found = steps.find((s) => s.step === step);
        if (found) return resolve(found);
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the script ended before "${step}": ${JSON.stringify(steps)}`));
        waiters.push(check);
      };
      check();
      child.once("exit", check);
    });
  return { child, steps, exited, reached };
}

// The client in a child process, importing the build as a user would.
beforeAll(() => {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", join(root, "core/client")], { cwd: root, stdio: "pipe" });
});

describe("autoUnref", () => {
  let http: ReturnType<typeof createServer>;
  let io: Server;
  let url: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    http = createServer();
    io = new Server(http, { pingInterval: 200, pingTimeout: 1000 });
    io.on("connection", (s) => s.on("hello", (cb: (a: string) => void) => cb("hi")));
    ({ url } = await listen(http));
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await new Promise<void>((resolve) => void io.close(() => resolve()));
    await closeServer(http);
  });

  test.each([["polling"], ["websocket"], ["polling,websocket"]])(
    "over %s: once only the client is left, the script ends by itself",
    async (transports) => {
      const r = run([url, transports, "true", "connect"]);
      children.push(r.child);
      const acked = await r.reached("acked");
      expect(acked.answer).toBe("hi");
      expect(await r.exited).toBe(0);
      expect(r.steps.map((s) => s.step)).toEqual(["acked", "idle", "exit"]);
      expect(r.steps[1].active).toEqual([]);
    },
    15000,
  );

  test("while reconnecting to a server that is gone, the script ends by itself", async () => {
    const gone = createServer();
    const { url: goneUrl } = await listen(gone);
    await closeServer(gone);
    const r = run([goneUrl, "polling,websocket", "true", "reconnect"]);
    children.push(r.child);
    expect(await r.exited).toBe(0);
    expect(r.steps.map((s) => s.step)).toEqual(["retrying", "exit"]);
  }, 15000);

  test.each([["polling"], ["websocket"]])("without it, the connection keeps the script alive (%s)", async (transports) => {
    const r = run([url, transports, "false", "connect"]);
    children.push(r.child);
    const idle = await r.reached("idle");
    // The handles listed are the ones keeping the process alive: the client's heartbeat timer, and
    // the WebSocket's socket (a poll is between two requests in the turn the ack arrives).
    expect(idle.active).toEqual(expect.arrayContaining(transports === "websocket" ? ["TCPSocketWrap", "Timeout"] : ["Timeout"]));
    expect(r.child.exitCode).toBeNull();
  });
});
