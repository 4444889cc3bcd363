import type { Socket as ClientSocket } from "socket.io-client";
import { waitFor } from "../support/index.js";
import { connected } from "../e2e/auth/harness.js";
import { Clients } from "../support/index.js";
import { clusterForFile } from "./node-cluster.js";

// @socket.io/cluster-adapter 0.3 between three worker processes of Node's cluster module, each
// running our Server on a port of its own (so a test puts each client on the worker it wants);
// the primary relays the adapter's messages (setupPrimary).
const clients = new Clients();
const cluster = clusterForFile(3, "direct", clients);

interface Client {
  socket: ClientSocket;
  got: unknown[][];
}

/** A WebSocket client on worker `index` (0-based), in `rooms`, recording what it receives. */
async function clientOn(index: number, rooms: string[] = []): Promise<Client> {
  const socket = clients.open(cluster().workerUrls[index], { transports: ["websocket"], query: { rooms: rooms.join(",") } });
  const got: unknown[][] = [];
  socket.onAny((...args: unknown[]) => got.push(args));
  await connected(socket);
  return { socket, got };
}

function ask<T>(client: Client, event: string, ...args: unknown[]): Promise<T> {
  return client.socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
}

describe("@socket.io/cluster-adapter between @switchboard/server workers", () => {
  it("broadcasts to the clients of every worker, once", async () => {
    const all = [await clientOn(0), await clientOn(1), await clientOn(2)];
    await ask(all[1], "broadcast", { event: "news", args: ["hello", { n: 1 }, Buffer.from([1, 2])] });
    // The same path again: a duplicate of the first would arrive before it.
    await ask(all[1], "broadcast", { event: "end" });
    await waitFor(() => all.every((c) => c.got.length === 2), 5000, "both broadcasts everywhere");
    for (const c of all) {
      expect(c.got.map((e) => e[0])).toEqual(["news", "end"]);
      expect(c.got[0].slice(1, 3)).toEqual(["hello", { n: 1 }]);
      expect(Buffer.from(c.got[0][3] as ArrayBuffer)).toEqual(Buffer.from([1, 2]));
    }
  });

  it("targets rooms across workers, with except", async () => {
    const redOn0 = await clientOn(0, ["red"]);
    const redOn1 = await clientOn(1, ["red"]);
    const redBlueOn2 = await clientOn(2, ["red", "blue"]);
    const noneOn1 = await clientOn(1);
    const all = [redOn0, redOn1, redBlueOn2, noneOn1];
    await ask(noneOn1, "broadcast", { rooms: ["red"], except: ["blue"], event: "m", args: ["red not blue"] });
    await ask(noneOn1, "broadcast", { rooms: ["blue"], event: "m", args: ["blue"] });
    await ask(noneOn1, "broadcast", { event: "m", args: ["end"] });
    await waitFor(() => all.every((c) => c.got.some((e) => e[1] === "end")), 5000, "the last broadcast");
    expect(all.map((c) => c.got.map((e) => e[1]))).toEqual([["red not blue", "end"], ["red not blue", "end"], ["blue", "end"], ["end"]]);
  });

  it("fetches the sockets of every worker, and acts on remote ones", async () => {
    const a = await clientOn(0, ["red"]);
    const b = await clientOn(1, ["red"]);
    const c = await clientOn(2);
    const everyone = await ask<Array<{ id: string; worker: number; rooms: string[] }>>(a, "fetch", []);
    const byId = new Map(everyone.map((s) => [s.id, s]));
    expect(everyone).toHaveLength(3);
    expect(new Set(everyone.map((s) => s.worker)).size).toBe(3);
    expect(byId.get(b.socket.id!)!.rooms).toEqual([b.socket.id, "red"].sort());
    const red = await ask<Array<{ id: string }>>(c, "fetch", ["red"]);
    expect(red.map((s) => s.id).sort()).toEqual([a.socket.id, b.socket.id].sort());

    // A RemoteSocket's emit goes to its worker.
    expect(await ask(a, "remote-emit", c.socket.id, "direct", ["to c"])).toBe(byId.get(c.socket.id!)!.worker);
    await waitFor(() => c.got.length === 1, 5000, "the remote emit");
    expect(c.got).toEqual([["direct", "to c"]]);

    // socketsJoin and disconnectSockets reach the sockets of other workers.
    await ask(a, "join-others", c.socket.id, "green");
    expect((await ask<Array<{ id: string }>>(b, "fetch", ["green"])).map((s) => s.id)).toEqual([c.socket.id]);
    const reason = new Promise((resolve) => c.socket.once("disconnect", resolve));
    await ask(b, "disconnect-room", "green");
    expect(await reason).toBe("io server disconnect");
    expect(a.socket.connected && b.socket.connected).toBe(true);
  });

  it("serverSideEmit with an ack gathers the answer of every other worker", async () => {
    const a = await clientOn(0);
    const self = (await ask<Array<{ id: string; worker: number }>>(a, "fetch", []))[0].worker;
    const answers = await ask<string[]>(a, "ask-servers", "who");
    expect(answers).toHaveLength(2);
    expect(answers).not.toContain(`who@worker${self}`);
    expect(new Set(answers).size).toBe(2);
    for (const answer of answers) expect(answer).toMatch(/^who@worker\d+$/);
  });

  it("broadcasts with an ack, gathering the answers of clients on every worker", async () => {
    const all = [await clientOn(0), await clientOn(1), await clientOn(2)];
    all.forEach((c, i) => c.socket.on("poll", (q: string, ack: (answer: string) => void) => ack(`${q}:${i}`)));
    const answers = await ask<string[]>(all[2], "ask-clients", "q");
    expect([...answers].sort()).toEqual(["q:0", "q:1", "q:2"]);
  });
});
