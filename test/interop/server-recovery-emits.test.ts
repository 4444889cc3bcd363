import { createServer } from "node:http";
import { Server as OfficialServer } from "socket.io";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { Server } from "@switchboard/server";
import { closeServer, listen, once, waitFor } from "../support/index.js";
import { transportsOf, TRANSPORT_MODES, type TransportMode } from "./server-fixture.js";

type AnyServer = Server | OfficialServer;

/**
 * What a recovered client sees of `socket.emit()` calls made while it was away, and in which order
 * around `connect`, on our server and on socket.io's: the two must agree.
 */
async function recoverAfterDirectEmits(make: (http: ReturnType<typeof createServer>) => AnyServer, mode: TransportMode): Promise<string[]> {
  const http = createServer();
  const io = make(http);
  const { url } = await listen(http);
  let client: ClientSocket | undefined;
  try {
    let connections = 0;
    io.on("connection", (socket) => {
      connections++;
      if (connections > 1) {
        socket.emit("after", "welcome back");
        return;
      }
      socket.emit("hello");
      socket.on("disconnect", () => {
        for (let i = 0; i < 5; i++) socket.emit("d", i);
      });
    });
    client = ioc(url, { forceNew: true, reconnectionDelay: 20, reconnectionDelayMax: 20, ...transportsOf(mode) });
    const seen: string[] = [];
    client.on("connect", () => seen.push(`connect${client!.recovered ? " (recovered)" : ""}`));
    client.on("d", (i: number) => seen.push(`d${i}`));
    client.on("after", () => seen.push("after"));
    const hello = once(client, "hello");
    await hello;
    client.io.engine.close();
    await waitFor(() => seen.includes("after"), 5000, "the recovered connection");
    return seen;
  } finally {
    client?.disconnect();
    await io.close();
    await closeServer(http).catch(() => undefined);
  }
}

describe.each(TRANSPORT_MODES)("socket.emit() while the client is away, over %s", (mode) => {
  const recovery = { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } };

  it("is replayed on recovery, in socket.io's order around connect", async () => {
    const ours = await recoverAfterDirectEmits((http) => new Server(http, recovery), mode);
    const official = await recoverAfterDirectEmits((http) => new OfficialServer(http, recovery), mode);
    expect(ours).toEqual(["connect", "d0", "d1", "d2", "d3", "d4", "connect (recovered)", "after"]);
    expect(ours).toEqual(official);
  });
});
