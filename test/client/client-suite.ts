import { io, Manager, msgpackParser, type Socket } from "@switchboard/client";
import { jest } from "@jest/globals";
import { once, waitFor } from "../support/index.js";
import { fakeTimeouts, settleWithFakeTimeouts } from "../support/fake-timeouts.js";
import type { ServerFactory, ServerHandle } from "./server-factory.js";

/**
 * The client's behaviour against a Socket.IO server, written once and run against every server
 * factory (the official `socket.io` server and ours).
 */
export function describeClientSuite(factory: ServerFactory): void {
  describe(`@switchboard/client against ${factory.name}`, () => {
    let server: ServerHandle | undefined;
    const clients: Array<Socket | Manager> = [];

    async function start(opts: Record<string, unknown> = {}, setup: (io: any) => void = () => {}): Promise<ServerHandle> {
      server = await factory.start(opts, setup);
      return server;
    }

    function client(path = "", opts: Record<string, unknown> = {}): Socket {
      const socket = io(server!.url + path, { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100, ...opts });
      clients.push(socket);
      return socket;
    }

    afterEach(async () => {
      // A test stopped halfway must not leave its fake timeouts to the next one.
      jest.useRealTimers();
      for (const c of clients.splice(0)) {
        if (c instanceof Manager) c._close();
        else {
          c.disconnect();
          c.io._close();
        }
      }
      await server?.close();
      server = undefined;
    });

    describe("transports", () => {
      test.each([["polling"], ["websocket"]])("connects and exchanges acks over %s only", async (transport) => {
        await start({}, (srv) => srv.on("connection", (s: any) => s.on("echo", (v: unknown, cb: (r: unknown) => void) => cb(v))));
        const socket = client("", { transports: [transport] });
        await once(socket, "connect");
        expect(socket.connected).toBe(true);
        expect(socket.disconnected).toBe(false);
        expect(typeof socket.id).toBe("string");
        expect(socket.io.engine.transport.name).toBe(transport);
        const reply = await new Promise((resolve) => socket.emit("echo", { a: [1, "b"] }, resolve));
        expect(reply).toEqual({ a: [1, "b"] });
        // Binary: base64 records over polling, binary frames over WebSocket.
        const bytes: any = await socket.emitWithAck("echo", { buf: Buffer.from([0, 255, 128]) });
        expect(Buffer.from(bytes.buf)).toEqual(Buffer.from([0, 255, 128]));
        expect(socket.io.engine.transport.name).toBe(transport);
      });

      test("upgrades from polling to websocket", async () => {
        await start({}, (srv) => srv.on("connection", (s: any) => s.on("ping!", (cb: (r: string) => void) => cb("pong!"))));
        const socket = client();
        const engineEvents: string[] = [];
        socket.io.on("open", () => {
          socket.io.engine.on("packetCreate", (p: { type: string }) => engineEvents.push("out:" + p.type));
          socket.io.engine.on("packet", (p: { type: string }) => engineEvents.push("in:" + p.type));
        });
        await once(socket, "connect");
        expect(socket.io.engine.transport.name).toBe("polling");
        const [transport] = await once<[{ name: string }]>(socket.io.engine, "upgrade");
        expect(transport.name).toBe("websocket");
        expect(socket.io.engine.transport.name).toBe("websocket");
        expect(await socket.emitWithAck("ping!")).toBe("pong!");
        expect(engineEvents).toContain("in:message");
        expect(engineEvents).toContain("out:message");
      });

      test("sends extraHeaders and reads the namespace and query from the URL", async () => {
        const seen: any[] = [];
        await start({}, (srv) => srv.of("/admin").on("connection", (s: any) => seen.push(s.handshake)));
        const socket = client("/admin?room=blue", { extraHeaders: { "x-team": "switchboard" }, transports: ["websocket"] });
        await once(socket, "connect");
        expect(socket.nsp).toBe("/admin");
        await waitFor(() => seen.length === 1);
        expect(seen[0].query.room).toBe("blue");
        expect(seen[0].headers["x-team"]).toBe("switchboard");
      });

      test("query option, timestampRequests and per-transport options", async () => {
        const seen: any[] = [];
        await start({}, (srv) => srv.on("connection", (s: any) => seen.push(s.handshake)));
        const socket = client("", {
          query: { token: "abc" },
          timestampRequests: true,
          timestampParam: "ts",
          transports: ["polling"],
          transportOptions: { polling: { extraHeaders: { "x-polling": "yes" } } },
        });
        await once(socket, "connect");
        await waitFor(() => seen.length === 1);
        expect(seen[0].query.token).toBe("abc");
        expect(typeof seen[0].query.ts).toBe("string");
        expect(seen[0].headers["x-polling"]).toBe("yes");
      });

      test("rememberUpgrade starts on WebSocket after a successful upgrade", async () => {
        await start();
        const first = client();
        await once(first, "connect");
        if (first.io.engine.transport.name !== "websocket") await once(first.io.engine, "upgrade");
        const second = client("", { rememberUpgrade: true });
        let opened = "";
        second.io.on("open", () => (opened = second.io.engine.transport.name));
        await once(second, "connect");
        expect(opened).toBe("websocket");
      });

      test("keeps cookies for sticky sessions with withCredentials", async () => {
        const cookies: Array<string | undefined> = [];
        const srv = await start({ cookie: { name: "sticky" } });
        srv.http.prependListener("request", (req) => {
          if (req.url?.startsWith("/socket.io/")) cookies.push(req.headers.cookie);
        });
        const socket = client("", { withCredentials: true, transports: ["polling"] });
        await once(socket, "connect");
        await waitFor(() => cookies.length >= 2);
        expect(cookies[0]).toBeUndefined();
        expect(cookies.slice(1).every((c) => /sticky=/.test(c ?? ""))).toBe(true);
      });
    });

    describe("namespaces and managers", () => {
      test("multiplexes namespaces over one connection, unless forceNew", async () => {
        const ids: string[] = [];
        await start({}, (srv) => {
          srv.on("connection", (s: any) => ids.push(s.conn.id));
          srv.of("/admin").on("connection", (s: any) => ids.push(s.conn.id));
        });
        const root = io(server!.url, { reconnection: false });
        const admin = io(server!.url + "/admin", { reconnection: false });
        clients.push(root, admin);
        expect(admin.io).toBe(root.io);
        await Promise.all([once(root, "connect"), once(admin, "connect")]);
        await waitFor(() => ids.length === 2);
        expect(ids[0]).toBe(ids[1]);
        // The namespace is already open on the cached Manager: a second root socket gets its own.
        const again = io(server!.url, { reconnection: false });
        clients.push(again);
        expect(again.io).not.toBe(root.io);
        const separate = client("/admin", { forceNew: true });
        expect(separate.io).not.toBe(root.io);
        await once(separate, "connect");
      });

      test("Manager options, getters and setters", async () => {
        await start();
        const manager = new Manager(server!.url, { autoConnect: false, reconnectionDelay: 10, reconnectionDelayMax: 20, timeout: 3000 });
        clients.push(manager);
        expect(manager.reconnection()).toBe(true);
        expect(manager.reconnectionDelay()).toBe(10);
        expect(manager.reconnectionDelayMax()).toBe(20);
        expect(manager.reconnectionAttempts()).toBe(Infinity);
        expect(manager.timeout()).toBe(3000);
        expect(manager.reconnectionAttempts(3).reconnectionAttempts()).toBe(3);
        const opened = new Promise<Error | undefined>((resolve) => manager.open(resolve));
        expect(await opened).toBeUndefined();
        const socket = manager.socket("/", { auth: { who: "manager" } });
        // autoConnect: false applies to the Manager's sockets too.
        expect(socket.active).toBe(false);
        socket.connect();
        await once(socket, "connect");
        expect(socket.io).toBe(manager);
      });

      test("answers server pings and emits ping on the Manager", async () => {
        // The server's engine socket reports each packet it receives: wait for three pongs there
        // rather than sleeping past a pingTimeout.
        let pongs = 0;
        await start({ pingInterval: 50, pingTimeout: 2000 }, (srv) =>
          srv.on("connection", (s: any) =>
            s.conn.on("packet", (p: { type: string }) => {
              if (p.type === "pong") pongs++;
            }),
          ),
        );
        const socket = client("", { transports: ["websocket"] });
        await once(socket, "connect");
        await once(socket.io, "ping");
        await waitFor(() => pongs >= 3, 5000, "three pongs on the server");
        expect(socket.connected).toBe(true);
      });
    });

    describe("events and acks", () => {
      test("acks in both directions, emitWithAck, binary", async () => {
        let serverSocket: any;
        await start({}, (srv) =>
          srv.on("connection", (s: any) => {
            serverSocket = s;
            s.on("sum", (a: number, b: number, cb: (r: number) => void) => cb(a + b));
            s.on("bytes", (buf: Uint8Array, cb: (r: unknown) => void) => cb({ len: buf.length, first: buf[0], back: buf }));
          }),
        );
        const socket = client();
        await once(socket, "connect");
        expect(await socket.emitWithAck("sum", 2, 3)).toBe(5);
        const back: any = await socket.emitWithAck("bytes", Buffer.from([7, 8, 9]));
        expect(back.len).toBe(3);
        expect(back.first).toBe(7);
        expect(Buffer.from(back.back)).toEqual(Buffer.from([7, 8, 9]));
        socket.on("question", (n: number, cb: (r: number) => void) => cb(n * 2));
        const answer = await serverSocket.timeout(2000).emitWithAck("question", 21);
        expect(answer).toBe(42);
        const [bin] = await Promise.all([once<[Uint8Array]>(socket, "bin"), serverSocket.emit("bin", Buffer.from([1, 2]))]);
        expect(Buffer.from(bin[0])).toEqual(Buffer.from([1, 2]));
      });

      test("timeout() rejects unanswered acks; ackTimeout; emitWithAck rejection", async () => {
        await start({}, (srv) => srv.on("connection", (s: any) => s.on("late", () => {})));
        const socket = client("", { ackTimeout: 100 });
        await once(socket, "connect");
        const err = await new Promise<Error>((resolve) => socket.timeout(50).emit("late", (e: Error) => resolve(e)));
        expect(err.message).toBe("operation has timed out");
        await expect(socket.emitWithAck("late")).rejects.toThrow("operation has timed out");
        await expect(socket.timeout(30).emitWithAck("late")).rejects.toThrow("operation has timed out");
      });

      test("reserved names throw; onAny, prependAny, offAny, onAnyOutgoing", async () => {
        await start({}, (srv) => srv.on("connection", (s: any) => s.on("hi", (v: string) => s.emit("hi", v + "!"))));
        const socket = client();
        expect(() => socket.emit("connect" as never)).toThrow('"connect" is a reserved event name');
        const incoming: unknown[][] = [];
        const outgoing: unknown[][] = [];
        const first = (...args: unknown[]) => incoming.push(["first", ...args]);
        socket.onAny((...args) => incoming.push(args));
        socket.prependAny(first);
        socket.onAnyOutgoing((...args) => outgoing.push(args));
        expect(socket.listenersAny()).toHaveLength(2);
        expect(socket.listenersAnyOutgoing()).toHaveLength(1);
        await once(socket, "connect");
        socket.emit("hi", "there");
        await once(socket, "hi");
        expect(incoming).toEqual([
          ["first", "hi", "there!"],
          ["hi", "there!"],
        ]);
        expect(outgoing).toEqual([["hi", "there"]]);
        socket.offAny(first);
        socket.offAnyOutgoing();
        expect(socket.listenersAny()).toHaveLength(1);
        expect(socket.listenersAnyOutgoing()).toHaveLength(0);
      });

      test("buffers emits while offline, drops volatile ones, send() is a message", async () => {
        const got: unknown[][] = [];
        await start({}, (srv) => srv.on("connection", (s: any) => s.onAny((...args: unknown[]) => got.push(args))));
        const socket = client("", { autoConnect: false });
        socket.emit("buffered", 1);
        socket.volatile.emit("dropped", 2);
        socket.send("text");
        expect(socket.sendBuffer).toHaveLength(2);
        socket.connect();
        await once(socket, "connect");
        await waitFor(() => got.length === 2);
        expect(got).toEqual([
          ["buffered", 1],
          ["message", "text"],
        ]);
        // Volatile packets go out only when the transport can write right now (no POST in flight).
        await waitFor(() => socket.io.engine.transport.writable);
        socket.volatile.compress(false).emit("kept", 3);
        await waitFor(() => got.length === 3);
        expect(got[2]).toEqual(["kept", 3]);
      });

      test("retries until acknowledged", async () => {
        let calls = 0;
        await start({}, (srv) =>
          srv.on("connection", (s: any) =>
            s.on("flaky", (cb: (r: string) => void) => {
              calls++;
              if (calls === 3) cb("done");
            }),
          ),
        );
        const socket = client("", { retries: 3, ackTimeout: 80 });
        await once(socket, "connect");
        // The ack timer is faked: an attempt times out once the server has seen it, never while its answer is on the way.
        fakeTimeouts();
        try {
          const answered = new Promise<unknown[]>((resolve) => socket.emit("flaky", (...a: unknown[]) => resolve(a)));
          for (const seen of [1, 2]) {
            await settleWithFakeTimeouts(() => calls === seen);
            jest.advanceTimersByTime(80);
          }
          const [err, value] = await settleWithFakeTimeouts(answered);
          expect(err).toBeNull();
          expect(value).toBe("done");
          expect(calls).toBe(3);
        } finally {
          jest.useRealTimers();
        }
      });

      test("custom parser (msgpack) on both ends", async () => {
        const parser = await import("socket.io-msgpack-parser");
        await start({ parser }, (srv) => srv.on("connection", (s: any) => s.on("echo", (v: unknown, cb: (r: unknown) => void) => cb(v))));
        const socket = client("", { parser });
        await once(socket, "connect");
        expect(await socket.emitWithAck("echo", { n: 1, s: "x" })).toEqual({ n: 1, s: "x" });
      });

      test.each([["polling"], ["websocket"]])("our msgpackParser talks to a socket.io-msgpack-parser server over %s", async (transport) => {
        const parser = await import("socket.io-msgpack-parser");
        await start({ parser }, (srv) => {
          srv.of("/locked").use((_s: any, next: (err?: Error) => void) => next(Object.assign(new Error("locked"), { data: { why: "msgpack" } })));
          srv.on("connection", (s: any) => {
            s.on("echo", (v: unknown, cb: (r: unknown) => void) => cb({ v, isBuffer: Buffer.isBuffer((v as { bin?: unknown }).bin) }));
            s.emit("hello", { bin: Buffer.from([1, 2]), date: new Date(5000) }, (answer: string) => s.emit("answered", answer));
          });
        });
        const socket = client("", { parser: msgpackParser, transports: [transport] });
        const [hello, ack] = await once<[{ bin: Buffer; date: Date }, (a: string) => void]>(socket, "hello");
        expect(Buffer.isBuffer(hello.bin)).toBe(true);
        expect([...hello.bin]).toEqual([1, 2]);
        expect(hello.date).toEqual(new Date(5000));
        const answered = once<[string]>(socket, "answered");
        ack("thanks");
        expect((await answered)[0]).toBe("thanks");
        const echoed = await socket.emitWithAck("echo", { bin: new Uint8Array([3, 4]), big: 2 ** 40 });
        expect(echoed).toEqual({ v: { bin: Buffer.from([3, 4]), big: 2 ** 40 }, isBuffer: true });
        const locked = client("/locked", { parser: msgpackParser, transports: [transport] });
        const [err] = await once<[Error & { data?: unknown }]>(locked, "connect_error");
        expect(err.message).toBe("locked");
        expect(err.data).toEqual({ why: "msgpack" });
      });
    });

    describe("connection errors and disconnection", () => {
      test("middleware errors carry message and data, without automatic retry", async () => {
        let attempts = 0;
        await start({}, (srv) =>
          srv.use((_s: any, next: (err?: Error) => void) => {
            attempts++;
            next(Object.assign(new Error("not authorized"), { data: { code: 42 } }));
          }),
        );
        // Timeouts are faked before the first attempt: a retry the client scheduled runs when time moves.
        fakeTimeouts();
        try {
          const socket = client();
          const retries: string[] = [];
          socket.on("connect", () => retries.push("connect"));
          socket.io.on("reconnect_attempt", () => retries.push("reconnect_attempt"));
          const [err] = await settleWithFakeTimeouts(once<[Error & { data?: unknown }]>(socket, "connect_error"));
          expect(err.message).toBe("not authorized");
          expect(err.data).toEqual({ code: 42 });
          expect(socket.active).toBe(false);
          // Ten times reconnectionDelayMax: any retry would have started by now.
          jest.advanceTimersByTime(1000);
          expect(retries).toEqual([]);
          expect(attempts).toBe(1);
          expect(socket.connected).toBe(false);
        } finally {
          jest.useRealTimers();
        }
      });

      test("unknown namespace is a connect_error", async () => {
        await start();
        const socket = client("/nowhere");
        const [err] = await once<[Error]>(socket, "connect_error");
        expect(err.message).toBe("Invalid namespace");
      });

      test("io server disconnect stops reconnection; io client disconnect reaches the server", async () => {
        const reasons: string[] = [];
        await start({}, (srv) =>
          srv.on("connection", (s: any) => {
            s.on("disconnect", (reason: string) => reasons.push(reason));
            s.on("kick", () => s.disconnect());
          }),
        );
        const a = client();
        await once(a, "connect");
        a.emit("kick");
        const [reason] = await once<[string]>(a, "disconnect");
        expect(reason).toBe("io server disconnect");
        expect(a.active).toBe(false);
        const b = client();
        await once(b, "connect");
        const closed = once<[string]>(b, "disconnect");
        b.disconnect();
        expect((await closed)[0]).toBe("io client disconnect");
        await waitFor(() => reasons.length === 2);
        expect(reasons).toEqual(["server namespace disconnect", "client namespace disconnect"]);
      });

      test("connection refused: connect_error, then reconnect_failed after reconnectionAttempts", async () => {
        const srv = await start();
        await srv.stop();
        const socket = client("", { reconnectionAttempts: 2, transports: ["websocket"] });
        const attempts: number[] = [];
        let errors = 0;
        socket.io.on("reconnect_attempt", (n: number) => attempts.push(n));
        socket.io.on("reconnect_error", () => errors++);
        socket.on("connect_error", () => {});
        await once(socket.io, "reconnect_failed", 5000);
        expect(attempts).toEqual([1, 2]);
        expect(errors).toBe(2);
      });
    });

    describe("reconnection", () => {
      test("reconnects with backoff after the server drops the transport, re-reading auth", async () => {
        const auths: unknown[] = [];
        await start({}, (srv) => srv.on("connection", (s: any) => auths.push(s.handshake.auth)));
        let n = 0;
        const socket = client("", { auth: (cb: (d: object) => void) => cb({ n: ++n }) });
        await once(socket, "connect");
        const firstId = socket.id;
        const events: string[] = [];
        socket.io.on("reconnect_attempt", () => events.push("attempt"));
        socket.io.on("reconnect", () => events.push("reconnect"));
        socket.emit("while-connected");
        const disconnected = once<[string]>(socket, "disconnect");
        server!.io.of("/").sockets.forEach((s: any) => s.conn.close());
        expect((await disconnected)[0]).toBe("transport close");
        expect(socket.active).toBe(true);
        socket.emit("offline", 1);
        await once(socket, "connect");
        expect(socket.id).not.toBe(firstId);
        expect(events).toEqual(["attempt", "reconnect"]);
        expect(auths).toEqual([{ n: 1 }, { n: 2 }]);
      });

      test("reconnects after a server restart and delivers what was buffered", async () => {
        const got: unknown[] = [];
        const srv = await start({}, (io) => io.on("connection", (s: any) => s.on("queued", (v: unknown) => got.push(v))));
        const socket = client("", { transports: ["websocket"] });
        await once(socket, "connect");
        const errors: Error[] = [];
        socket.io.on("reconnect_error", (e: Error) => errors.push(e));
        const disconnected = once(socket, "disconnect");
        await srv.stop();
        await disconnected;
        socket.emit("queued", "while offline");
        await waitFor(() => errors.length >= 1, 5000, "a reconnect_error");
        await srv.restart();
        await once(socket, "connect", 5000);
        await waitFor(() => got.length === 1);
        expect(got).toEqual(["while offline"]);
      });

      test("recovers the session with connectionStateRecovery", async () => {
        const srv = await start({ connectionStateRecovery: { maxDisconnectionDuration: 10000, skipMiddlewares: true } }, (io) =>
          io.on("connection", (s: any) => s.join("room")),
        );
        const socket = client("", { transports: ["websocket"] });
        const received: unknown[][] = [];
        socket.on("news", (...args: unknown[]) => received.push(args));
        await once(socket, "connect");
        expect(socket.recovered).toBe(false);
        srv.io.to("room").emit("news", "first", 1);
        await waitFor(() => received.length === 1);
        expect(received[0]).toEqual(["first", 1]);
        const id = socket.id;
        const disconnected = once(socket, "disconnect");
        srv.io.of("/").sockets.forEach((s: any) => s.conn.close());
        await disconnected;
        srv.io.to("room").emit("news", "missed", 2);
        await once(socket, "connect");
        expect(socket.recovered).toBe(true);
        expect(socket.id).toBe(id);
        await waitFor(() => received.length === 2);
        expect(received[1]).toEqual(["missed", 2]);
      });
    });
  });
}
