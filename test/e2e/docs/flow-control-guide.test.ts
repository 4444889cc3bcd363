// The server producer of docs/flow-control.md, as it is written there: keep both in step. The
// official client reads, so that its TCP socket can be paused.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, type Socket } from "@switchboard/server";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import type { Socket as NetSocket } from "node:net";
import { closeServer, listen, once, waitFor } from "../../support/index.js";

/** Resolves on `drain`, or rejects if the client leaves first. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      socket.off("disconnect", onDisconnect);
      resolve();
    };
    const onDisconnect = (reason: string) => {
      socket.off("drain", onDrain);
      reject(new Error(`client left: ${reason}`));
    };
    socket.once("drain", onDrain);
    socket.once("disconnect", onDisconnect);
  });
}

function setUp(io: Server): void {
  io.on("connection", (socket) => {
    socket.on("download", async (path: string) => {
      let seq = 0;
      for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
        if (!socket.emit("chunk", seq++, chunk)) await drained(socket);
      }
      socket.emit("done", seq);
    });
  });
}

describe("docs/flow-control.md: the server producer", () => {
  let dir: string;
  let http: ReturnType<typeof createServer>;
  let io: Server;
  let client: ClientSocket | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-flow-"));
    http = createServer();
    io = new Server(http, { writeBufferHighWaterMark: 256 * 1024 });
    setUp(io);
  });
  afterEach(async () => {
    client?.disconnect();
    await io.close();
    await closeServer(http);
    await rm(dir, { recursive: true, force: true });
  });

  it("streams a file to a client that stops reading for a while: it waits, then everything arrives in order", async () => {
    const file = join(dir, "data.bin");
    // Larger than what the kernel buffers of a loopback connection hold, so the producer must wait.
    const data = Buffer.alloc(32 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    await writeFile(file, data);
    const { url } = await listen(http);
    const drains: number[] = [];
    const conn = once<[Socket]>(io, "connection");
    client = ioc(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    await once(client, "connect");
    const [socket] = await conn;
    socket.on("drain", () => drains.push(1));
    // The client stops reading (its TCP socket, a private field of `ws`) until the producer waits.
    const tcp = (client.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
    tcp.pause();
    const parts: Buffer[] = [];
    const seqs: number[] = [];
    client.on("chunk", (seq: number, chunk: Buffer) => {
      seqs.push(seq);
      parts.push(chunk);
    });
    const done = once<[number]>(client, "done", 10000);
    client.emit("download", file);
    await waitFor(() => socket.writableNeedDrain && (socket.conn.bufferedAmount ?? 0) > 0, 10000, "the producer to wait");
    expect(drains).toEqual([]);
    tcp.resume();
    const [count] = await done;
    expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(drains.length).toBeGreaterThan(0);
  });
});
