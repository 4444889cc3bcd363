import type { IncomingMessage, ServerResponse } from "node:http";
import { io, type Socket } from "@switchboard/client";
import { once, waitFor } from "../support/index.js";
import type { ServerHandle } from "./server-factory.js";
import { serverFactories } from "./server-factories.js";

/** The bodies of the polling GETs the server answers, in order. */
function recordPollAnswers(server: ServerHandle): string[] {
  const answers: string[] = [];
  server.http.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" || !/[?&]sid=/.test(req.url ?? "")) return;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      answers.push(String(args[0] ?? ""));
      return end(...args);
    }) as typeof res.end;
  });
  return answers;
}

describe.each(serverFactories.map((f) => [f.name, f] as const))("@switchboard/client upgrade against %s", (_name, factory) => {
  let server: ServerHandle | undefined;
  let socket: Socket | undefined;

  afterEach(async () => {
    socket?.disconnect();
    socket?.io._close();
    socket = undefined;
    await server?.close();
    server = undefined;
  });

  function connect(): Socket {
    socket = io(server!.url, { forceNew: true, reconnection: false });
    return socket;
  }

  test("switches on the probe's answer: no GET is left for the server to release with a noop", async () => {
    server = await factory.start({}, (srv) => {
      srv.engine.on("connection", (conn: any) =>
        // Whatever GET is pending when the probe is answered gets data, not the noop cycle.
        conn.once("upgrading", () => srv.emit("during-upgrade")),
      );
      srv.on("connection", (s: any) => s.on("echo", (v: unknown, cb: (r: unknown) => void) => cb(v)));
    });
    const answers = recordPollAnswers(server);
    const client = connect();
    const events: string[] = [];
    client.io.on("open", () => {
      const engine = client.io.engine;
      engine.transport.on("poll", () => events.push("poll"));
      engine.on("upgrading", () => events.push("upgrading"));
      engine.on("upgrade", () => events.push("upgrade"));
    });
    await once(client, "connect");
    if (!events.includes("upgrade")) await once(client.io.engine, "upgrade");
    expect(client.io.engine.transport.name).toBe("websocket");
    // Pausing found nothing in flight: no poll after the answer, none answered by a bare noop.
    expect(events.slice(events.indexOf("upgrading"))).toEqual(["upgrading", "upgrade"]);
    expect(answers).not.toContain("6");
    expect(await client.emitWithAck("echo", "over the websocket")).toBe("over the websocket");
  });

  test("the server closing while the client upgrades: transport close, as socket.io-client reports", async () => {
    server = await factory.start({}, (srv) => srv.engine.on("connection", (conn: any) => conn.once("upgrading", () => srv.close())));
    const client = connect();
    const closed = new Promise<string>((resolve) => client.io.once("close", resolve));
    const reason = await closed;
    expect(reason).toBe("transport close");
    await waitFor(() => client.io.engine.readyState === "closed", 5000, "the engine to close");
  });
});
