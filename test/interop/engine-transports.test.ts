import type { Socket as ClientSocket } from "engine.io-client";
import type { EngineSocket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { rawHandshake, startEngine, type EngineFixture } from "./engine-support.js";

type Mode = { name: string; transports: ("polling" | "websocket")[]; upgrade: boolean; expected: string };

const modes: Mode[] = [
  { name: "polling only", transports: ["polling"], upgrade: false, expected: "polling" },
  { name: "websocket only", transports: ["websocket"], upgrade: false, expected: "websocket" },
  { name: "polling then upgrade", transports: ["polling", "websocket"], upgrade: true, expected: "websocket" },
];

async function connect(fx: EngineFixture, mode: Mode): Promise<{ client: ClientSocket; socket: EngineSocket }> {
  const connection = fx.nextConnection();
  const client = fx.client({ transports: mode.transports, upgrade: mode.upgrade });
  const socket = await connection;
  await once(client, "open");
  if (mode.upgrade) await once(client, "upgrade");
  await waitFor(() => socket.transport.name === mode.expected, 5000, "server transport");
  return { client, socket };
}

describe.each(modes)("engine with engine.io-client: $name", (mode) => {
  let fx: EngineFixture;
  afterEach(async () => {
    await fx.cleanup();
  });

  it("exchanges text and binary messages both ways", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    expect(socket.readyState).toBe("open");
    expect(socket.protocol).toBe(4);
    expect(client.transport.name).toBe(mode.expected);

    const serverGot: unknown[] = [];
    socket.on("message", (data) => serverGot.push(data));
    client.send("hello server");
    client.send(new Uint8Array([1, 2, 3]));
    await waitFor(() => serverGot.length === 2);
    expect(serverGot[0]).toBe("hello server");
    expect(Buffer.isBuffer(serverGot[1])).toBe(true);
    expect([...(serverGot[1] as Buffer)]).toEqual([1, 2, 3]);

    const clientGot: unknown[] = [];
    client.on("message", (data) => clientGot.push(data));
    socket.send("hello client");
    socket.send(Buffer.from([4, 5, 6]));
    socket.send("é ✓ unicode");
    await waitFor(() => clientGot.length === 3);
    expect(clientGot[0]).toBe("hello client");
    expect([...new Uint8Array(clientGot[1] as ArrayBuffer)]).toEqual([4, 5, 6]);
    expect(clientGot[2]).toBe("é ✓ unicode");
  });

  it("batches packets sent in one turn and calls send callbacks", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    const flushes: number[] = [];
    socket.on("flush", (packets: unknown[]) => flushes.push(packets.length));
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    let written = 0;
    for (let i = 0; i < 5; i++) socket.send(`m${i}`, () => written++);
    await waitFor(() => got.length === 5 && written === 5);
    expect(got).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(flushes).toEqual([5]);
  });

  it("writes the first packet of a turn at once over WebSocket, the rest at the turn's end, in order", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    await waitFor(() => socket.transport.writable && socket.writeBuffer.length === 0, 5000, "an idle session");
    socket.send("a");
    const queuedAfterFirst = socket.writeBuffer.length;
    socket.send("b");
    socket.send("c");
    const queuedAfterThird = socket.writeBuffer.length;
    await waitFor(() => got.length === 3);
    expect(got).toEqual(["a", "b", "c"]);
    // Polling answers a GET with everything of the turn; a WebSocket takes the first packet now.
    expect([queuedAfterFirst, queuedAfterThird]).toEqual(mode.expected === "websocket" ? [0, 2] : [1, 3]);
  });

  it("accepts pre-encoded WebSocket frames (string, UTF-8 bytes, complete frame)", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    // FIN + text opcode, unmasked, 7-bit length: a complete server frame.
    const payload = Buffer.from("4framé");
    const frame = Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
    socket.send("pre", { wsPreEncoded: "4pre" });
    socket.send("bytés", { wsPreEncoded: Buffer.from("4bytés") });
    socket.send("framé", { wsPreEncodedFrame: frame });
    socket.send(Buffer.from([9]));
    await waitFor(() => got.length === 4);
    expect(got.slice(0, 3)).toEqual(["pre", "bytés", "framé"]);
    expect([...new Uint8Array(got[3] as ArrayBuffer)]).toEqual([9]);
  });

  it("runs the ping/pong cycle", async () => {
    // A ping goes out only once the previous pong came back, so three pings prove the answers;
    // a generous pingTimeout keeps a busy machine from timing the session out meanwhile.
    fx = await startEngine({ pingInterval: 50, pingTimeout: 10_000 });
    const { client, socket } = await connect(fx, mode);
    let heartbeats = 0;
    let pings = 0;
    socket.on("heartbeat", () => heartbeats++);
    client.on("ping", () => pings++);
    await waitFor(() => heartbeats >= 3 && pings >= 3, 5000, "heartbeats");
    expect(socket.readyState).toBe("open");
  });

  it("closes on the server side with forced close", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    const clientClosed = once<[string]>(client, "close");
    const serverClosed = once<[string]>(socket, "close");
    socket.close();
    const [reason] = await serverClosed;
    expect(reason).toBe("forced close");
    const [clientReason] = await clientClosed;
    expect(clientReason).toBe("transport close");
    expect(fx.engine.clientsCount).toBe(0);
    expect(fx.engine.clients[socket.id]).toBeUndefined();
  });

  it("writes buffered messages before a server-side close", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    const clientClosed = once(client, "close");
    socket.send("last words");
    socket.close();
    await clientClosed;
    expect(got).toEqual(["last words"]);
  });

  it("notices a client-side close", async () => {
    fx = await startEngine();
    const { client, socket } = await connect(fx, mode);
    const serverClosed = once<[string]>(socket, "close");
    client.close();
    const [reason] = await serverClosed;
    expect(reason).toBe("transport close");
    expect(socket.readyState).toBe("closed");
    expect(fx.engine.clientsCount).toBe(0);
  });

  it("closes with ping timeout when no pong comes back", async () => {
    fx = await startEngine({ pingInterval: 50, pingTimeout: 100 });
    const { client, socket } = await connect(fx, mode);
    // Stop answering pings: the client's pong is never sent.
    (client as unknown as { _sendPacket: () => void })._sendPacket = () => undefined;
    const [reason] = await once<[string]>(socket, "close", 5000);
    expect(reason).toBe("ping timeout");
    expect(fx.engine.clientsCount).toBe(0);
  });
});

describe("engine handshake", () => {
  let fx: EngineFixture;
  afterEach(async () => {
    await fx.cleanup();
  });

  it("sends the initial packet and the handshake options", async () => {
    fx = await startEngine({ pingInterval: 1234, pingTimeout: 567, maxHttpBufferSize: 4321, initialPacket: "welcome" });
    const client = fx.client({ transports: ["polling"] });
    const handshake = once<[Record<string, unknown>]>(client, "handshake");
    const message = once<[string]>(client, "message");
    expect((await handshake)[0]).toMatchObject({ pingInterval: 1234, pingTimeout: 567, maxPayload: 4321, upgrades: ["websocket"] });
    expect((await message)[0]).toBe("welcome");
  });

  it("offers no upgrade when allowUpgrades is false or over WebSocket", async () => {
    fx = await startEngine({ allowUpgrades: false });
    const polling = fx.client({ transports: ["polling", "websocket"] });
    const [h1] = await once<[Record<string, unknown>]>(polling, "handshake");
    expect(h1.upgrades).toEqual([]);
    const ws = fx.client({ transports: ["websocket"] });
    const [h2] = await once<[Record<string, unknown>]>(ws, "handshake");
    expect(h2.upgrades).toEqual([]);
    await waitFor(() => fx.engine.clientsCount === 2);
    expect(Object.values(fx.engine.clients).every((s) => !s.upgraded)).toBe(true);
  });

  it("emits upgrading and upgrade, and keeps messages in order across the upgrade", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const client = fx.client({ transports: ["polling", "websocket"] });
    const socket = await connection;
    const events: string[] = [];
    socket.on("upgrading", (t: { name: string }) => events.push(`upgrading:${t.name}`));
    socket.on("upgrade", (t: { name: string }) => events.push(`upgrade:${t.name}`));
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    for (let i = 0; i < 20; i++) socket.send(`early${i}`);
    await once(client, "upgrade");
    for (let i = 0; i < 20; i++) socket.send(`late${i}`);
    await waitFor(() => got.length === 40);
    expect(got).toEqual([...Array.from({ length: 20 }, (_, i) => `early${i}`), ...Array.from({ length: 20 }, (_, i) => `late${i}`)]);
    expect(events).toEqual(["upgrading:websocket", "upgrade:websocket"]);
    expect(socket.upgraded).toBe(true);
    expect(socket.upgrading).toBe(false);
  });

  it("closes every session on engine.close()", async () => {
    fx = await startEngine();
    const a = fx.client({ transports: ["polling"] });
    const b = fx.client({ transports: ["websocket"] });
    await Promise.all([once(a, "open"), once(b, "open")]);
    await waitFor(() => fx.engine.clientsCount === 2);
    const reasons: string[] = [];
    for (const s of Object.values(fx.engine.clients)) s.on("close", (reason: string) => reasons.push(reason));
    const closed = Promise.all([once(a, "close"), once(b, "close")]);
    fx.engine.close();
    expect(reasons).toEqual(["forced close", "forced close"]);
    expect(fx.engine.clientsCount).toBe(0);
    await closed;
  });
});

describe("engine cleanup", () => {
  it("leaves no timer behind after engine.close()", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const fx = await startEngine({ pingInterval: 30, pingTimeout: 1000, upgradeTimeout: 5000 });
    const clients = [fx.client({ transports: ["polling"] }), fx.client({ transports: ["websocket"] }), fx.client({ transports: ["polling", "websocket"] })];
    await once(clients[2], "upgrade");
    await waitFor(() => fx.engine.clientsCount === 3);
    // A probe in progress, and a graceful close waiting for its poll, are cleaned up too.
    const { sid } = await rawHandshake(fx.url);
    fx.engine.clients[sid].close();
    expect(timers()).toBeGreaterThan(before);
    fx.engine.close();
    expect(fx.engine.clientsCount).toBe(0);
    await fx.cleanup();
    await waitFor(() => timers() <= before, 3000, "timers to be cleared");
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
