import type { Socket as ClientSocket } from "socket.io-client";
import { eventually, sleep, waitFor } from "../support/index.js";
import { connectClient, record } from "./cluster-nodes.js";
import { buildDist, forkNode, type NodeProcess } from "./node-process.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// Three Switchboard server processes (child_process.fork) on one real redis-server.
let redis: RedisServer;
let nodes: NodeProcess[];
let clients: ClientSocket[];

/** Waits until `node` counts three servers on Redis. */
const threeServers = (node: NodeProcess) =>
  eventually(async () => (await node.call<number>("serverCount")) === 3, 10_000, `node ${node.name} counting 3 servers`);

/**
 * Waits until every message the given nodes sent before has reached every client it was going to
 * reach: a request round trip through Redis from each node (its subscriber has then read whatever it
 * published before, its own echo included), then a broadcast from it that every client acknowledges.
 * Whatever was going to arrive, doubled or not, came on the same ordered paths before that broadcast.
 */
async function settled(senders: NodeProcess[]): Promise<void> {
  for (const node of senders) {
    await node.call("serverSideEmitWithAck", { event: "question", args: ["sync"] });
    expect(await node.call<unknown[]>("emitWithAck", { event: "sync" })).toHaveLength(clients.length);
  }
}

beforeAll(async () => {
  buildDist();
  redis = await startRedis();
  nodes = await Promise.all(["a", "b", "c"].map((name) => forkNode("switchboard-node.mjs", redis.url, name)));
  await threeServers(nodes[0]);
  clients = [];
  clients.push(await connectClient(nodes[0].url, { room: "blue" }));
  clients.push(await connectClient(nodes[1].url, { room: "blue" }));
  clients.push(await connectClient(nodes[2].url, { room: "red" }));
  for (const c of clients) c.on("sync", (cb: () => void) => cb());
}, 60_000);

afterAll(async () => {
  for (const c of clients ?? []) c.disconnect();
  await Promise.all((nodes ?? []).map((n) => n.close()));
  await redis?.stop();
}, 30_000);

describe("three Switchboard processes on one Redis", () => {
  it("sees three servers", async () => {
    expect(await nodes[1].call("serverCount")).toBe(3);
  });

  it("delivers room broadcasts exactly once to clients on different nodes", async () => {
    const got = clients.map((c) => record(c, "room-msg"));
    await nodes[2].call("emit", { rooms: ["blue"], event: "room-msg", args: ["to blue"] });
    await nodes[0].call("emit", { rooms: ["blue", "red"], except: ["node-b"], event: "room-msg", args: ["to blue+red but b"] });
    await waitFor(() => got[0].length === 2 && got[1].length === 1 && got[2].length === 1, 5000, "room broadcasts");
    // A doubled message would have come before the senders' later broadcast.
    await settled([nodes[2], nodes[0]]);
    // Two senders: their messages may interleave differently on each client, but none is doubled.
    expect(got.map((g) => g.map(([m]) => m).sort())).toEqual([["to blue", "to blue+red but b"], ["to blue"], ["to blue+red but b"]]);
  });

  it("brings acks back from every node", async () => {
    clients.forEach((c, i) => c.on("q", (x: number, cb: (v: string) => void) => cb(`${i}:${x}`)));
    const all = await nodes[1].call<string[]>("emitWithAck", { event: "q", args: [5] });
    expect(all.sort()).toEqual(["0:5", "1:5", "2:5"]);
    const blue = await nodes[2].call<string[]>("emitWithAck", { rooms: ["blue"], event: "q", args: [6] });
    expect(blue.sort()).toEqual(["0:6", "1:6"]);
  });

  it("fetches sockets across nodes and emits to a remote one", async () => {
    const sockets = await nodes[0].call<Array<{ id: string; data: { node: string }; rooms: string[] }>>("fetchSockets");
    expect(sockets.map((s) => s.id).sort()).toEqual(clients.map((c) => c.id).sort());
    expect(sockets.find((s) => s.id === clients[2].id)!.data).toEqual({ node: "c" });
    const red = await nodes[1].call<Array<{ id: string }>>("fetchSockets", { rooms: ["red"] });
    expect(red.map((s) => s.id)).toEqual([clients[2].id]);
    const direct = record(clients[2], "direct");
    await nodes[0].call("remoteEmit", { id: clients[2].id, event: "direct", args: ["hi c"] });
    await waitFor(() => direct.length === 1, 5000, "remote emit");
    expect(direct).toEqual([["hi c"]]);
  });

  it("spans serverSideEmit over the nodes, with and without acks", async () => {
    await nodes[0].call("serverSideEmit", { event: "hello", args: ["from a"] });
    await eventually(
      async () => (await nodes[1].call<unknown[]>("heard")).length > 0 && (await nodes[2].call<unknown[]>("heard")).length > 0,
      5000,
      "b and c to hear a",
    );
    // A round trip from a: every node's subscriber has read the event before a's request (a its own
    // echo before the answers), so a repeat, or a's hearing itself, would show now.
    expect((await nodes[0].call<string[]>("serverSideEmitWithAck", { event: "question", args: ["after"] })).sort()).toEqual(["after@b", "after@c"]);
    expect(await nodes[1].call("heard")).toEqual([["from a"]]);
    expect(await nodes[2].call("heard")).toEqual([["from a"]]);
    expect(await nodes[0].call("heard")).toEqual([]);
    const answers = await nodes[2].call<string[]>("serverSideEmitWithAck", { event: "question", args: ["why"] });
    expect(answers.sort()).toEqual(["why@a", "why@b"]);
  });

  it("survives a Redis restart in the middle of traffic", async () => {
    const ticks = [record(clients[1], "tick"), record(clients[2], "tick")];
    let n = 0;
    let sending = true;
    const loop = (async () => {
      while (sending) {
        await nodes[0].call("emit", { event: "tick", args: [n++] }).catch(() => undefined);
        await sleep(20);
      }
    })();
    await waitFor(() => ticks.every((t) => t.length > 3), 5000, "ticks before the restart");
    const errorsBefore = await Promise.all(nodes.map((node) => node.call<{ adapterErrors: number }>("errors")));
    await redis.kill();
    const killedAt = n;
    // The outage as every node sees it (its adapter reported the dropped connection), with ticks sent meanwhile.
    await eventually(
      async () => {
        const now = await Promise.all(nodes.map((node) => node.call<{ adapterErrors: number }>("errors")));
        return now.every((e, i) => e.adapterErrors > errorsBefore[i].adapterErrors);
      },
      10_000,
      "every node to report the dropped Redis",
    );
    await waitFor(() => n > killedAt + 5, 10_000, "ticks sent during the outage");
    const beforeRestart = n;
    await redis.restart();
    await waitFor(() => ticks.every((t) => t.some(([v]) => (v as number) > beforeRestart + 5)), 15_000, "ticks after the restart");
    sending = false;
    await loop;
    // Every process is still alive, reported the outage and counts three servers again.
    for (const node of nodes) expect(node.child.exitCode).toBeNull();
    const errors = await nodes[0].call<{ clientErrors: number; adapterErrors: number }>("errors");
    expect(errors.adapterErrors).toBeGreaterThan(0);
    await threeServers(nodes[0]);
    const answers = await nodes[1].call<string[]>("serverSideEmitWithAck", { event: "question", args: ["again"] });
    expect(answers.sort()).toEqual(["again@a", "again@c"]);
  }, 40_000);
});
