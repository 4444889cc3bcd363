import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerHandle } from "./server-factory.js";
import { serverFactories } from "./server-factories.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

interface Report {
  uncaught: Array<{ message: string; stack: string }>;
  disconnects: string[];
  after?: number;
  answer?: string;
  sameId?: boolean;
}

// A listener's exception must reach the process as an uncaught exception, which Jest would take
// for its own failure: the client runs in a child process (importing the build, like a user).
beforeAll(() => {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", join(root, "core/client")], { cwd: root, stdio: "pipe" });
});

describe.each(serverFactories.map((f) => [f.name, f] as const))("an application listener that throws, against %s", (_name, factory) => {
  let server: ServerHandle | undefined;
  let child: ChildProcess | undefined;
  const connections: string[] = [];

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    child = undefined;
    connections.length = 0;
    await server?.close();
    server = undefined;
  });

  test.each([["polling"], ["websocket"]])("over %s: the app's own error is uncaught, the connection stays up, later events arrive", async (transport) => {
    server = await factory.start({}, (srv) =>
      srv.on("connection", (s: any) => {
        connections.push(s.id);
        s.on("still there?", (cb: (answer: string) => void) => cb("yes"));
        s.emit("boom");
        s.emit("after", 1);
      }),
    );
    child = fork(join(here, "fixtures", "throwing-listener.mjs"), [server.url, transport], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const report = await new Promise<Report>((resolve, reject) => {
      child!.once("message", (msg) => resolve(msg as Report));
      child!.once("exit", (code) => reject(new Error(`client process exited with ${code} before reporting`)));
    });
    expect(report.disconnects).toEqual([]);
    expect(report.uncaught).toHaveLength(1);
    expect(report.uncaught[0].message).toBe("app bug");
    expect(report.uncaught[0].stack).toContain("listenerThatThrows");
    expect(report.after).toBe(1);
    expect(report.answer).toBe("yes");
    expect(report.sameId).toBe(true);
    expect(connections).toHaveLength(1);
  });
});
