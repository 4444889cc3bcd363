import "reflect-metadata";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { connected } from "../auth/harness.js";
import { Clients, once, waitFor } from "../../support/index.js";
import { startNest, type NestApp } from "./start-nest.js";
import { AdminGateway, GatewaysModule, Lifecycle, MainGateway, StatsGateway } from "./gateways.js";

describe.each(["express", "fastify"] as const)("gateways on Nest's %s platform", (platform) => {
  let nest: NestApp;
  const clients = new Clients();

  beforeAll(async () => {
    nest = await startNest(GatewaysModule, { platform });
  });

  afterEach(() => clients.closeAll());

  afterAll(async () => {
    await nest.close();
  });

  const open = (nsp = "/", transports: Array<"polling" | "websocket"> = ["websocket"]) =>
    connected(clients.open(`${nest.url}${nsp === "/" ? "" : nsp}`, { transports }));

  describe("handlers", () => {
    it("answers the ack with the returned value, over both transports", async () => {
      for (const transport of ["websocket", "polling"] as const) {
        const socket = await open("/", [transport]);
        expect(await socket.emitWithAck("echo", { hello: transport })).toEqual({ hello: transport });
      }
    });

    it("passes several arguments as an array, like IoAdapter", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("args", 1, "two")).toEqual({ data: [1, "two"] });
    });

    it("emits a WsResponse as an event", async () => {
      const socket = await open();
      const pong = once<[number]>(socket, "pong");
      socket.emit("ping", 41);
      expect((await pong)[0]).toBe(42);
    });

    it("awaits a Promise before answering", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("later", "x")).toBe("later:x");
    });

    it("emits every value of an Observable of WsResponse", async () => {
      const socket = await open();
      const seen: number[] = [];
      socket.on("counted", (n: number) => seen.push(n));
      socket.emit("count", 3);
      await waitFor(() => seen.length === 3);
      expect(seen).toEqual([1, 2, 3]);
    });

    it("answers the ack with an Observable's first value", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("first")).toBe(100);
    });

    it("lets @Ack() answer by hand, ignoring the return value", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("manual", "m")).toBe("manual:m");
    });

    it("injects the socket with @ConnectedSocket()", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("whoami")).toBe(socket.id);
    });

    it("broadcasts through @WebSocketServer()", async () => {
      const [a, b] = await Promise.all([open(), open("/", ["polling"])]);
      const heard = once<[string]>(b, "announcement");
      expect(await a.emitWithAck("announce", "hi all")).toBe(true);
      expect((await heard)[0]).toBe("hi all");
    });
  });

  describe("lifecycle hooks", () => {
    it("runs afterInit with the server or the namespace", () => {
      const { inits } = nest.app.get(Lifecycle);
      expect(inits).toEqual(expect.arrayContaining(["main:true", "admin:/admin"]));
    });

    it("runs handleConnection and handleDisconnect with the reason", async () => {
      const lifecycle = nest.app.get(Lifecycle);
      const socket = await open();
      const id = socket.id!;
      await waitFor(() => lifecycle.connected.includes(id));
      socket.disconnect();
      await waitFor(() => lifecycle.disconnected.some((d) => d.id === id));
      expect(lifecycle.disconnected.find((d) => d.id === id)?.reason).toBe("client namespace disconnect");
    });
  });

  describe("errors", () => {
    it("sends a WsException as the exception event, with its cause", async () => {
      const socket = await open();
      const exception = once<[unknown]>(socket, "exception");
      socket.emit("fail", { x: 1 });
      expect((await exception)[0]).toEqual({ status: "error", message: "nope", cause: { pattern: "fail", data: { x: 1 } } });
    });

    it("hides an unknown error behind 'Internal server error'", async () => {
      const socket = await open();
      const exception = once<[{ message: string }]>(socket, "exception");
      socket.emit("crash");
      expect((await exception)[0].message).toBe("Internal server error");
    });

    it("runs a gateway's exception filter", async () => {
      const socket = await open();
      const teapot = once<[unknown]>(socket, "teapot");
      socket.emit("brew");
      expect((await teapot)[0]).toEqual({ said: "I'm a teapot" });
    });
  });

  describe("guards, pipes, interceptors", () => {
    it("lets a guard allow or refuse a message", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("admin-only", { role: "admin" })).toBe("welcome, admin");
      const exception = once<[{ message: string }]>(socket, "exception");
      socket.emit("admin-only", { role: "guest" });
      expect((await exception)[0].message).toBe("Forbidden resource");
    });

    it("transforms a valid DTO with ValidationPipe", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("create-user", { name: "Ada", age: 36 })).toEqual({ name: "Ada", age: 36, isDto: true });
    });

    it("reports ValidationPipe failures with the fields, not 'Internal server error'", async () => {
      const socket = await open();
      const exception = once<[{ code: string; message: string; errors: Array<{ field: string; messages: string[] }> }]>(socket, "exception");
      socket.emit("create-user", { name: "A", age: "old" });
      const [payload] = await exception;
      expect(payload.code).toBe("validation_failed");
      expect(payload.message).toBe("Validation failed: name, age");
      expect(payload.errors.map((e) => e.field)).toEqual(["name", "age"]);
      expect(payload.errors[0].messages).toEqual(["name must be longer than or equal to 2 characters"]);
    });

    it("runs a parameter pipe (ParseIntPipe) and reports its failure", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("double", { n: "21" })).toBe(42);
      const exception = once<[{ code: string; message: string }]>(socket, "exception");
      socket.emit("double", { n: "many" });
      const [payload] = await exception;
      expect(payload.code).toBe("validation_failed");
      expect(payload.message).toMatch(/^Validation failed \(numeric string is expected\)/);
    });

    it("runs an interceptor around the handler", async () => {
      const socket = await open();
      expect(await socket.emitWithAck("wrapped", 7)).toEqual({ wrapped: 7 });
    });
  });

  describe("namespaces and servers", () => {
    it("serves a namespace given by string, with @WebSocketServer() as the Namespace", async () => {
      const [admin, main] = await Promise.all([open("/admin"), open("/")]);
      expect(await admin.emitWithAck("where")).toBe("/admin");
      const stray: unknown[] = [];
      main.on("admins", (text: unknown) => stray.push(text));
      const heard = once<[string]>(admin, "admins");
      admin.emit("tell-admins", "meeting at 3");
      expect((await heard)[0]).toBe("meeting at 3");
      await main.emitWithAck("echo", 0);
      expect(stray).toEqual([]);
      expect(nest.app.get(AdminGateway).nsp.name).toBe("/admin");
    });

    it("serves namespaces matching a RegExp", async () => {
      const [t1, t2] = await Promise.all([open("/team-1"), open("/team-42", ["polling"])]);
      expect(await t1.emitWithAck("where")).toBe("/team-1");
      expect(await t2.emitWithAck("where")).toBe("/team-42");
      const refused = clients.open(`${nest.url}/team-x`, { transports: ["websocket"] });
      const [err] = await once<[Error]>(refused, "connect_error");
      expect(err.message).toBe("Invalid namespace");
    });

    it("shares one server between gateways", async () => {
      const socket = await open();
      expect(nest.app.get(StatsGateway).server).toBe(nest.app.get(MainGateway).server);
      expect(await socket.emitWithAck("echo", "main")).toBe("main");
      // StatsGateway inherits a class interceptor that wraps its answers.
      const { wrapped } = (await socket.emitWithAck("stats")) as { wrapped: { sockets: number } };
      expect(wrapped.sockets).toBeGreaterThanOrEqual(1);
    });

    it("gives a request-scoped gateway one context per socket", async () => {
      const [a, b] = await Promise.all([open("/scoped"), open("/scoped")]);
      const a1 = (await a.emitWithAck("hit")) as { serial: number; count: number };
      const a2 = (await a.emitWithAck("hit")) as { serial: number; count: number };
      const b1 = (await b.emitWithAck("hit")) as { serial: number; count: number };
      expect(a2).toEqual({ serial: a1.serial, count: 2 });
      expect(b1.count).toBe(1);
      expect(b1.serial).not.toBe(a1.serial);
    });
  });

  it("keeps the socket alive after an error (the event still works)", async () => {
    const socket = await open();
    // The exception event says the error was handled; the socket then still answers.
    const exception = once<[{ message: string }]>(socket, "exception");
    socket.emit("crash");
    expect((await exception)[0].message).toBe("Internal server error");
    expect(socket.connected).toBe(true);
    expect(await socket.emitWithAck("echo", "still here")).toBe("still here");
  });
});
