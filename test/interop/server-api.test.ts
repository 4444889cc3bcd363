import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Adapter as OfficialAdapter } from "socket.io-adapter";
import { io as ioc } from "socket.io-client";
import { Adapter, Server, type Socket } from "@switchboard/server";

/** A one-node "cluster": what another node would receive, this node receives (the adapter contract). */
class LoopbackAdapter extends Adapter {
  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last === "function") {
      // Another node answers through its listener's ack; this node collects the answers.
      const args = packet.slice(0, -1);
      this.nsp._onServerSideEmit([...args, (response: unknown) => last(null, [response])]);
      return;
    }
    this.nsp._onServerSideEmit(packet);
  }
}
import { closeServer, listen, once } from "../support/index.js";
import { connected, startServer, type Fixture } from "./server-fixture.js";

describe("Server construction and options", () => {
  let f: Fixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it("serves the client bundle under its path when serveClient is on, and leaves it to the engine when off", async () => {
    f = await startServer({});
    expect(f.io.serveClient()).toBe(true);
    const res = await fetch(`${f.url}/socket.io/socket.io.min.js`);
    const body = await res.text();
    // 200 with the bundle, or 404 explaining that the client bundle was not built: never the engine.
    expect([200, 404]).toContain(res.status);
    if (res.status === 200) expect(res.headers.get("content-type")).toMatch(/javascript/);
    else expect(body).toMatch(/bundle/);
    await f.close();

    f = await startServer({ serveClient: false });
    const off = await fetch(`${f.url}/socket.io/socket.io.min.js`);
    expect(off.status).toBe(400);
    expect(await off.json()).toEqual({ code: 0, message: "Transport unknown" });
  });

  it("answers on a custom path", async () => {
    f = await startServer({ path: "/custom-path" });
    expect(f.io.path()).toBe("/custom-path");
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client("/", { path: "/custom-path" });
    await connected(client);
    const [socket] = await conn;
    expect(socket.handshake.url.startsWith("/custom-path/")).toBe(true);
  });

  it("listens on a port of its own and closes that http server", async () => {
    // Port 0 is a number too: the Server creates and owns the http server.
    const io = new Server(0, { serveClient: false });
    const http = io.httpServer as HttpServer;
    await once(http, "listening");
    const { port } = http.address() as AddressInfo;
    const client = ioc(`http://127.0.0.1:${port}`, { forceNew: true, reconnection: false });
    await connected(client);
    client.disconnect();
    await io.close();
    expect(http.listening).toBe(false);
  });

  it("attaches later with listen(), and calls of(name, fn) listeners", async () => {
    const http = createServer();
    const io = new Server({ serveClient: false });
    io.listen(http);
    const { url } = await listen(http);
    const got: string[] = [];
    io.of("/chat", (socket) => got.push(socket.nsp.name));
    const client = ioc(`${url}/chat`, { forceNew: true, reconnection: false });
    try {
      await connected(client);
      expect(got).toEqual(["/chat"]);
      expect(io.engine.clientsCount).toBe(1);
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http);
    }
  });

  it("plugs the official socket.io-adapter in through the adapter option", async () => {
    f = await startServer({ adapter: OfficialAdapter });
    expect(f.io.sockets.adapter).toBeInstanceOf(OfficialAdapter);
    const sockets: Socket[] = [];
    f.io.on("connection", (s) => sockets.push(s));
    const a = f.client();
    const b = f.client();
    await Promise.all([connected(a), connected(b)]);
    await sockets[0].join("room");
    const got = once<unknown[]>(sockets[0].id === a.id ? a : b, "hi");
    f.io.to("room").emit("hi", Buffer.from([1]), "x");
    const [bin, text] = await got;
    expect([...new Uint8Array(bin as ArrayBuffer)]).toEqual([1]);
    expect(text).toBe("x");
    a.on("q", (cb: (v: string) => void) => cb("a"));
    b.on("q", (cb: (v: string) => void) => cb("b"));
    expect(((await f.io.timeout(1000).emitWithAck("q")) as string[]).sort()).toEqual(["a", "b"]);
  });

  it("replaces every namespace's adapter with adapter(), and keeps connectTimeout settable", async () => {
    f = await startServer({});
    const before = f.io.sockets.adapter;
    f.io.adapter(OfficialAdapter);
    expect(f.io.sockets.adapter).not.toBe(before);
    expect(f.io.sockets.adapter).toBeInstanceOf(OfficialAdapter);
    expect(f.io.connectTimeout()).toBe(45000);
    expect(f.io.connectTimeout(1000)).toBe(f.io);
    expect(f.io.connectTimeout()).toBe(1000);
  });

  it("adapter() closes the adapters it replaces and takes an arrow factory (nsp) => adapter", async () => {
    const closed: string[] = [];
    class ClosingAdapter extends Adapter {
      override close(): void {
        closed.push(this.nsp.name);
      }
    }
    f = await startServer({ adapter: ClosingAdapter });
    f.io.of("/admin");
    const made: string[] = [];
    f.io.adapter((nsp: { name: string }) => {
      made.push(nsp.name);
      return new Adapter(nsp as never);
    });
    expect(closed.sort()).toEqual(["/", "/admin"]);
    expect(made.sort()).toEqual(["/", "/admin"]);
    const client = ioc(f.url, { transports: ["websocket"] });
    const [[socket]] = await Promise.all([once<[Socket]>(f.io, "connection"), connected(client)]);
    await socket.join("room");
    expect(f.io.sockets.adapter.rooms.get("room")?.has(socket.id)).toBe(true);
    client.disconnect();
  });

  it("serverSideEmit and serverSideEmitWithAck go through the adapter to the namespace's listeners", async () => {
    f = await startServer({ adapter: LoopbackAdapter });
    const got = once<unknown[]>(f.io, "hello");
    f.io.serverSideEmit("hello", "world", 1);
    expect(await got).toEqual(["world", 1]);
    f.io.on("count", (cb: (n: number) => void) => cb(42));
    expect(await f.io.serverSideEmitWithAck("count")).toEqual([42]);
    const admin = f.io.of("/admin");
    const adminGot = once<unknown[]>(admin, "hi");
    admin.serverSideEmit("hi", { from: "admin" });
    expect(await adminGot).toEqual([{ from: "admin" }]);
  });

  it("serverSideEmit needs a cluster adapter: the in-memory one refuses with a code", async () => {
    f = await startServer({});
    expect(() => f!.io.serverSideEmit("hello")).toThrow(expect.objectContaining({ code: "ADAPTER_NO_CLUSTER" }));
    expect(() => f!.io.serverSideEmit("connection")).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));
  });
});
