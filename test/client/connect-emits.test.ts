import { io, type Socket } from "@switchboard/client";
import { once } from "../support/index.js";
import type { ServerHandle } from "./server-factory.js";
import { serverFactories } from "./server-factories.js";

describe.each(serverFactories.map((f) => [f.name, f] as const))("@switchboard/client emits around connect, against %s", (_name, factory) => {
  let server: ServerHandle | undefined;
  let socket: Socket | undefined;

  afterEach(async () => {
    socket?.disconnect();
    socket?.io._close();
    socket = undefined;
    await server?.close();
    server = undefined;
  });

  // With `retries` every emit goes through the client's queue, one packet in flight at a time.
  test.each([[0], [2]])("buffered and in-connect emits reach the server once each, in order (retries: %i)", async (retries) => {
    const received: string[] = [];
    server = await factory.start({}, (srv) =>
      srv.on("connection", (s: any) =>
        s.onAny((event: string, ...args: unknown[]) => {
          received.push(event);
          const ack = args[args.length - 1];
          if (typeof ack === "function") ack("ok");
        }),
      ),
    );
    socket = io(server.url, { forceNew: true, autoConnect: false, reconnection: false, retries, ackTimeout: 2000 });
    const client = socket;
    client.emit("before connect");
    client.on("connect", () => client.emit("inside connect"));
    client.connect();
    await once(client, "connect");
    // Acknowledged after everything sent before it: any duplicate would already be in `received`.
    expect(await client.emitWithAck("last")).toBe("ok");
    expect(received).toEqual(["before connect", "inside connect", "last"]);
  });
});
