// Volatile packets with the official client: dropped when the connection is busy, as socket.io does
// it (its engine writes at once, so a write leaves the transport busy until it drains; ours writes
// the first packet of a turn at once and the rest at the turn's end, so anything written earlier in
// the turn makes it busy), while regular packets of one turn still leave.
import type { Socket as ClientSocket } from "socket.io-client";
import type { OutgoingPacket } from "@switchboard/engine";
import type { Socket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { connected, startServer, type Fixture } from "./server-fixture.js";

/**
 * Collects "ev" arguments until "end": regular packets are never dropped and arrive in order, so
 * once "end" is in, every volatile packet that was sent before it has arrived too.
 */
function collectUntilEnd(client: ClientSocket): Promise<unknown[]> {
  const got: unknown[] = [];
  client.on("ev", (arg: unknown) => got.push(arg));
  return once(client, "end").then(() => got);
}

/** Resolves once the connection is idle: nothing queued, and the transport can write now. */
async function idle(socket: Socket): Promise<void> {
  await waitFor(() => socket.conn.transport.writable === true && (socket.conn.writeBuffer?.length ?? 0) === 0, 5000, "an idle connection");
}

describe.each(["polling", "websocket"] as const)("volatile packets over %s", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({}, mode);
  });
  afterEach(() => f.close());

  async function pair(nsp = "/"): Promise<{ client: ClientSocket; socket: Socket }> {
    const conn = once<[Socket]>(f.io.of(nsp), "connection");
    const client = f.client(nsp);
    await connected(client);
    const [socket] = await conn;
    return { client, socket };
  }

  it("a volatile emit on an idle connection is delivered", async () => {
    const { client, socket } = await pair();
    const got = collectUntilEnd(client);
    await idle(socket);
    socket.volatile.emit("ev", 1);
    await idle(socket);
    socket.emit("end");
    expect(await got).toEqual([1]);
  });

  it("a volatile emit right after a regular one in the same turn is dropped", async () => {
    const { client, socket } = await pair();
    const got = collectUntilEnd(client);
    await idle(socket);
    socket.emit("ev", "regular");
    socket.volatile.emit("ev", "volatile");
    await idle(socket);
    socket.emit("end");
    expect(await got).toEqual(["regular"]);
  });

  it("of two consecutive volatile emits only the first leaves", async () => {
    const { client, socket } = await pair();
    const got = collectUntilEnd(client);
    await idle(socket);
    socket.volatile.emit("ev", 1);
    socket.volatile.emit("ev", 2);
    await idle(socket);
    socket.emit("end");
    expect(await got).toEqual([1]);
  });

  it("regular emits around a dropped volatile one still leave, in one write", async () => {
    const { client, socket } = await pair();
    const got = collectUntilEnd(client);
    await idle(socket);
    const flushed = once<[OutgoingPacket[]]>(socket.conn, "flush");
    socket.emit("ev", "a");
    socket.volatile.emit("ev", "dropped");
    socket.emit("ev", "b");
    const [packets] = await flushed;
    expect(packets).toHaveLength(2);
    await idle(socket);
    socket.emit("end");
    expect(await got).toEqual(["a", "b"]);
  });

  it("a binary volatile packet is kept or dropped whole", async () => {
    const { client, socket } = await pair();
    const got = collectUntilEnd(client);
    await idle(socket);
    socket.volatile.emit("ev", Buffer.from([1, 2, 3]));
    socket.volatile.emit("ev", Buffer.from([4, 5, 6]));
    await idle(socket);
    socket.emit("end");
    const received = await got;
    expect(received).toHaveLength(1);
    expect([...(received[0] as Buffer)]).toEqual([1, 2, 3]);
  });

  it("a volatile broadcast follows the same rule for every recipient", async () => {
    const a = await pair();
    const b = await pair();
    const gotA = collectUntilEnd(a.client);
    const gotB = collectUntilEnd(b.client);
    await Promise.all([idle(a.socket), idle(b.socket)]);
    f.io.volatile.emit("ev", Buffer.from([1]));
    f.io.volatile.emit("ev", Buffer.from([2]));
    await Promise.all([idle(a.socket), idle(b.socket)]);
    f.io.emit("end");
    for (const received of [await gotA, await gotB]) {
      expect(received.map((buf) => [...(buf as Buffer)])).toEqual([[1]]);
    }
  });

  it("a volatile namespace broadcast right after a regular one is dropped", async () => {
    const { client, socket } = await pair("/chat");
    const got = collectUntilEnd(client);
    await idle(socket);
    f.io.of("/chat").emit("ev", "regular");
    f.io.of("/chat").volatile.emit("ev", "volatile");
    await idle(socket);
    f.io.of("/chat").emit("end");
    expect(await got).toEqual(["regular"]);
  });
});
