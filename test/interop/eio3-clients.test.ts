// socket.io-client 2.x (Engine.IO v3) against our server with `allowEIO3`: what socket.io 4 serves
// such a client, over each transport.
import { createServer, type Server as HttpServer } from "node:http";
import { jest } from "@jest/globals";
import { io as ioV4 } from "socket.io-client";
import { Server, type EngineConnectionError, type ServerOptions, type Socket } from "@switchboard/server";
import { closeServer, listen, once, waitFor } from "../support/index.js";
import { fakeTimeouts, settleWithFakeTimeouts } from "../support/fake-timeouts.js";
import { ioV2, type V2Options, type V2Socket } from "./v2-client.js";

type Mode = "polling" | "polling-base64" | "websocket" | "upgrade";

function transportsOf(mode: Mode): V2Options {
  if (mode === "polling") return { transports: ["polling"] };
  if (mode === "polling-base64") return { transports: ["polling"], forceBase64: true };
  if (mode === "websocket") return { transports: ["websocket"] };
  return { transports: ["polling", "websocket"], upgrade: true };
}

interface V2Fixture {
  io: Server;
  http: HttpServer;
  url: string;
  client(nsp?: string, opts?: V2Options): V2Socket;
  close(): Promise<void>;
}

async function start(opts: Partial<ServerOptions>, mode: Mode): Promise<V2Fixture> {
  const http = createServer();
  const io = new Server(http, opts);
  const { url } = await listen(http);
  const clients: V2Socket[] = [];
  return {
    io,
    http,
    url,
    client(nsp = "/", clientOpts = {}) {
      const socket = ioV2(url + nsp, { forceNew: true, reconnection: false, ...transportsOf(mode), ...clientOpts });
      clients.push(socket);
      return socket;
    },
    async close() {
      for (const socket of clients) socket.close();
      await io.close();
      await closeServer(http);
    },
  };
}

function connected(socket: V2Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err: Error) => reject(err));
    socket.once("error", (err: unknown) => reject(new Error(`error before connect: ${JSON.stringify(err)}`)));
  });
}

async function upgraded(socket: V2Socket, mode: Mode): Promise<void> {
  if (mode !== "upgrade" || socket.io.engine.transport.name === "websocket") return;
  await once(socket.io.engine, "upgrade");
}

describe.each(["polling", "polling-base64", "websocket", "upgrade"] as const)("socket.io-client 2.x over %s (allowEIO3)", (mode) => {
  let f: V2Fixture;
  beforeEach(async () => {
    f = await start({ allowEIO3: true }, mode);
  });
  afterEach(() => f.close());

  async function pair(nsp = "/", opts: V2Options = {}): Promise<{ client: V2Socket; socket: Socket }> {
    const conn = once<[Socket]>(f.io.of(nsp), "connection");
    const client = f.client(nsp, opts);
    await connected(client);
    const [socket] = await conn;
    await upgraded(client, mode);
    return { client, socket };
  }

  it("connects to the main namespace without a CONNECT, with the id the client works out", async () => {
    const { client, socket } = await pair();
    expect(socket.conn.protocol).toBe(3);
    expect(socket.id).toBe(client.id);
    expect(socket.id).toBe(client.io.engine.id);
    expect(socket.handshake.auth).toEqual({});
  });

  it("emits with acknowledgements both ways", async () => {
    const { client, socket } = await pair();
    socket.on("add", (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
    const sum = await new Promise((resolve) => client.emit("add", 2, 3, resolve));
    expect(sum).toBe(5);
    client.on("greet", (name: string, ack: (reply: string) => void) => ack(`hello ${name}`));
    expect(await socket.timeout(5000).emitWithAck("greet", "server")).toBe("hello server");
  });

  it("carries binary both ways, in events and acknowledgements", async () => {
    const { client, socket } = await pair();
    socket.on("upload", (data: Buffer, meta: { name: string }, ack: (reply: unknown) => void) => {
      ack({ size: data.length, first: data[0], name: meta.name, echo: data });
    });
    const reply = await new Promise<{ size: number; first: number; name: string; echo: Buffer }>((resolve) =>
      client.emit("upload", Buffer.from([7, 8, 9]), { name: "f" }, resolve),
    );
    expect(reply).toMatchObject({ size: 3, first: 7, name: "f" });
    expect([...reply.echo]).toEqual([7, 8, 9]);
    const received = once<[Buffer, string]>(client, "file");
    socket.emit("file", Buffer.from([1, 2, 3, 255]), "text é");
    const [bytes, text] = await received;
    expect([...bytes]).toEqual([1, 2, 3, 255]);
    expect(text).toBe("text é");
  });

  it("joins a namespace with its query as auth, and gets a middleware's error as v2 reads it", async () => {
    f.io
      .of("/chat")
      .use((socket, next) => (socket.handshake.auth.token === "ok" ? next() : next(Object.assign(new Error("refused"), { data: { why: "token" } }))));
    const { client, socket } = await pair("/chat", { query: { token: "ok" } });
    expect(socket.nsp.name).toBe("/chat");
    expect(socket.handshake.auth).toEqual({ token: "ok" });
    expect(socket.id).toBe(`/chat#${client.io.engine.id}`);
    expect(socket.id).toBe(client.id);

    const refused = f.client("/chat", { query: { token: "bad" } });
    const [error] = await once<[unknown]>(refused, "error");
    expect(error).toEqual({ why: "token" });
    expect(refused.connected).toBe(false);

    f.io.of("/plain").use((_socket, next) => next(new Error("no way")));
    const plain = f.client("/plain");
    expect(await once(plain, "error")).toEqual(["no way"]);
  });

  it("broadcasts to a room holding v2 and v4 clients alike", async () => {
    const a = await pair();
    const b = await pair();
    const v4Conn = once<[Socket]>(f.io, "connection");
    const v4 = ioV4(f.url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    try {
      await once(v4, "connect");
      const [v4Socket] = await v4Conn;
      for (const s of [a.socket, b.socket, v4Socket]) await s.join("room");
      const got = Promise.all([once(a.client, "news"), once(b.client, "news"), once(v4, "news")]);
      f.io.to("room").emit("news", "flash", Buffer.from([4, 2]));
      for (const [text, bytes] of await got) {
        expect(text).toBe("flash");
        expect([...(bytes as Buffer)]).toEqual([4, 2]);
      }
      // A text-only broadcast goes out pre-encoded once for all: both protocols read it.
      const plain = Promise.all([once(a.client, "plain"), once(v4, "plain")]);
      f.io.to("room").emit("plain", { n: 1 });
      expect(await plain).toEqual([[{ n: 1 }], [{ n: 1 }]]);
    } finally {
      v4.close();
    }
  });

  it("disconnects from either side", async () => {
    const first = await pair();
    const serverSide = once<[string]>(first.client, "disconnect");
    first.socket.disconnect();
    expect(await serverSide).toEqual(["io server disconnect"]);

    const second = await pair();
    const clientSide = once<[string]>(second.socket, "disconnect");
    second.client.disconnect();
    // The 2.x client sends DISCONNECT, then closes its transport: whichever the server sees first.
    expect(["client namespace disconnect", "transport close"]).toContain((await clientSide)[0]);
  });
});

describe("Engine.IO v3 heartbeat with socket.io-client 2.x", () => {
  let f: V2Fixture;
  afterEach(() => {
    jest.useRealTimers();
    return f.close();
  });

  it.each(["polling", "websocket"] as const)("the client pings, the server answers pong (%s)", async (mode) => {
    // Both sides' heartbeat timers are faked: time moves one ping interval at a time, once the
    // previous round is over, so a slow machine cannot make the server's deadline win the race.
    fakeTimeouts({ monotonic: true });
    f = await settleWithFakeTimeouts(start({ allowEIO3: true, pingInterval: 30, pingTimeout: 200 }, mode));
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await settleWithFakeTimeouts(connected(client));
    const [socket] = await settleWithFakeTimeouts(conn);
    let heartbeats = 0;
    socket.conn.on("heartbeat", () => heartbeats++);
    let disconnected = false;
    socket.on("disconnect", () => (disconnected = true));
    // Ten ping intervals (300 ms), each answered: the session outlives pingInterval + pingTimeout.
    for (let round = 1; round <= 10; round++) {
      const pong = once(client, "pong");
      jest.advanceTimersByTime(30);
      await settleWithFakeTimeouts(pong);
      expect(heartbeats).toBe(round);
    }
    expect(disconnected).toBe(false);
    expect(socket.connected).toBe(true);
  });
});

describe("without allowEIO3 (the default)", () => {
  let f: V2Fixture;
  afterEach(() => f.close());

  it.each(["polling", "websocket"] as const)("a 2.x client is refused with code 5 (%s)", async (mode) => {
    f = await start({}, mode);
    const errors: EngineConnectionError[] = [];
    f.io.engine.on("connection_error", (err: EngineConnectionError) => errors.push(err));
    const client = f.client();
    await once(client, "connect_error");
    expect(client.connected).toBe(false);
    expect(f.io.engine.clientsCount).toBe(0);
    expect(errors[0]).toMatchObject({ code: 5, message: "Unsupported protocol version", context: { protocol: 3 } });

    const res = await fetch(`${f.url}/socket.io/?EIO=3&transport=polling`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 5, message: "Unsupported protocol version" });
  });
});
