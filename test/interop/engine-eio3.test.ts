// Engine.IO v3 on the wire (`allowEIO3`), with raw HTTP and WebSocket: the handshake, payload
// framing (text `<length>:<packet>`, or binary records for a client that reads bytes), binary
// packets that keep their type, and the client-driven heartbeat.
import { jest } from "@jest/globals";
import { WebSocket } from "ws";
import type { EngineSocket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { fakeTimeouts, settleWithFakeTimeouts } from "../support/fake-timeouts.js";
import { rawRequest, startEngine, type EngineFixture } from "./engine-support.js";

let fx: EngineFixture;
afterEach(async () => {
  jest.useRealTimers();
  await fx.cleanup();
});

/** A v3 polling handshake: the session id and the open packet's data. */
async function handshakeV3(query = "EIO=3&transport=polling&b64=1"): Promise<{ sid: string; body: string }> {
  const res = await rawRequest(fx.url, query);
  expect(res.status).toBe(200);
  const match = /^(\d+):0(\{.*\})$/.exec(res.body);
  if (!match) throw new Error(`not a v3 handshake: ${res.body}`);
  return { sid: (JSON.parse(match[2]) as { sid: string }).sid, body: res.body };
}

async function getBytes(query: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${fx.url}/engine.io/?${query}`);
  return { status: res.status, type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe("Engine.IO v3 over polling", () => {
  it("answers the handshake as one length-framed record, and counts the session as protocol 3", async () => {
    fx = await startEngine({ allowEIO3: true, pingInterval: 1000, pingTimeout: 500 });
    const connection = fx.nextConnection();
    const { sid, body } = await handshakeV3();
    const open = body.slice(body.indexOf(":") + 1);
    expect(body).toBe(`${open.length}:${open}`);
    expect(JSON.parse(open.slice(1))).toEqual({ sid, upgrades: ["websocket"], pingInterval: 1000, pingTimeout: 500, maxPayload: 1e6 });
    const socket = await connection;
    expect(socket.protocol).toBe(3);
    expect(socket.transport.protocol).toBe(3);
  });

  it("takes a request without EIO as v3, as engine.io does", async () => {
    fx = await startEngine({ allowEIO3: true });
    const { sid } = await handshakeV3("transport=polling");
    expect(fx.engine.clients[sid].protocol).toBe(3);
  });

  it("frames text by UTF-16 length and sends binary as b4<base64> to a client that asked for base64", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { sid } = await handshakeV3();
    const socket = await connection;
    socket.send("héllo 💥");
    socket.send(Buffer.from([1, 2, 3]));
    const res = await rawRequest(fx.url, `EIO=3&transport=polling&sid=${sid}`);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    expect(res.body).toBe(`9:4héllo 💥6:b4AQID`);
  });

  it("sends a binary payload to a client that reads bytes (no b64)", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { sid } = await handshakeV3("EIO=3&transport=polling");
    const socket = await connection;
    socket.send("é");
    socket.send(Buffer.from([9, 8]));
    const res = await getBytes(`EIO=3&transport=polling&sid=${sid}`);
    expect(res.type).toBe("application/octet-stream");
    // <0 text><3><255>"4é" in UTF-8, then <1 binary><3><255><4 message>9 8.
    expect([...res.bytes]).toEqual([0, 3, 255, 0x34, 0xc3, 0xa9, 1, 3, 255, 4, 9, 8]);
  });

  it("reads text and binary payloads from the client", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { sid } = await handshakeV3();
    const socket = await connection;
    const messages: Array<string | Buffer> = [];
    socket.on("message", (data) => messages.push(data));
    const target = `${fx.url}/engine.io/?EIO=3&transport=polling&sid=${sid}`;
    expect((await fetch(target, { method: "POST", body: "3:4aé6:b4AQID" })).status).toBe(200);
    const binary = Buffer.from([0, 2, 255, 0x34, 0x78, 1, 3, 255, 4, 7, 7]);
    const res = await fetch(target, { method: "POST", body: binary, headers: { "Content-Type": "application/octet-stream" } });
    expect(res.status).toBe(200);
    await waitFor(() => messages.length === 4);
    expect(messages[0]).toBe("aé");
    expect([...(messages[1] as Buffer)]).toEqual([1, 2, 3]);
    expect(messages[2]).toBe("x");
    expect([...(messages[3] as Buffer)]).toEqual([7, 7]);
  });

  it("closes a session whose payload has a bad length", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { sid } = await handshakeV3();
    const socket = await connection;
    const closed = once<[string]>(socket, "close");
    await rawRequest(fx.url, `EIO=3&transport=polling&sid=${sid}`, { method: "POST", body: "9:4short" });
    expect((await closed)[0]).toBe("parse error");
  });

  it("answers the client's ping with a pong, and refuses a pong from the client", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { sid } = await handshakeV3();
    const socket = await connection;
    const heartbeat = once(socket, "heartbeat");
    await rawRequest(fx.url, `EIO=3&transport=polling&sid=${sid}`, { method: "POST", body: "1:2" });
    await heartbeat;
    expect((await rawRequest(fx.url, `EIO=3&transport=polling&sid=${sid}`)).body).toBe("1:3");
    const closed = once<[string, Error]>(socket, "close");
    await rawRequest(fx.url, `EIO=3&transport=polling&sid=${sid}`, { method: "POST", body: "1:3" });
    const [reason, err] = await closed;
    expect(reason).toBe("transport error");
    expect(err.message).toBe("invalid heartbeat direction");
  });

  it("never pings a v3 client, and closes it with ping timeout once it stops pinging", async () => {
    // The heartbeat's clock is faked: the session's deadline (pingInterval + pingTimeout = 80 ms)
    // comes when the test moves time, however slow the requests.
    fakeTimeouts({ monotonic: true });
    fx = await settleWithFakeTimeouts(startEngine({ allowEIO3: true, pingInterval: 40, pingTimeout: 40 }));
    const connection = fx.nextConnection();
    const { sid } = await settleWithFakeTimeouts(handshakeV3());
    const socket = await connection;
    const sent: string[] = [];
    socket.on("packetCreate", (packet) => sent.push(packet.type));
    let reason: string | undefined;
    socket.on("close", (why: string) => (reason = why));
    jest.advanceTimersByTime(60);
    expect(socket.readyState).toBe("open");
    // One ping from the client pushes the deadline back by pingInterval + pingTimeout: 140 ms.
    await settleWithFakeTimeouts(rawRequest(fx.url, `EIO=3&transport=polling&sid=${sid}`, { method: "POST", body: "1:2" }));
    jest.advanceTimersByTime(60);
    expect(socket.readyState).toBe("open");
    jest.advanceTimersByTime(40);
    expect(reason).toBe("ping timeout");
    expect(sent).toEqual(["pong"]);
  });
});

describe("Engine.IO v3 over WebSocket", () => {
  async function openWs(query: string): Promise<{ ws: WebSocket; frames: Array<string | Buffer> }> {
    const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?${query}`);
    const frames: Array<string | Buffer> = [];
    ws.on("message", (data: Buffer, isBinary: boolean) => frames.push(isBinary ? data : data.toString()));
    await once(ws, "open");
    return { ws, frames };
  }

  it("sends binary led by its type byte, reads it the same way, and pongs the client's pings", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { ws, frames } = await openWs("EIO=3&transport=websocket");
    const socket = await connection;
    await waitFor(() => frames.length === 1);
    expect(String(frames[0])).toMatch(/^0\{"sid":/);
    socket.send(Buffer.from([5, 6]));
    await waitFor(() => frames.length === 2);
    expect([...(frames[1] as Buffer)]).toEqual([4, 5, 6]);
    const message = once<[Buffer]>(socket, "message");
    ws.send(Buffer.from([4, 1, 2]));
    expect([...(await message)[0]]).toEqual([1, 2]);
    ws.send("2");
    await waitFor(() => frames.length === 3);
    expect(frames[2]).toBe("3");
    ws.close();
  });

  it("upgrades a v3 polling session, which keeps speaking v3", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const { sid } = await handshakeV3();
    const socket: EngineSocket = await connection;
    const { ws, frames } = await openWs(`EIO=3&transport=websocket&sid=${sid}`);
    ws.send("2probe");
    await waitFor(() => frames.length === 1);
    expect(frames[0]).toBe("3probe");
    const upgraded = once(socket, "upgrade");
    ws.send("5");
    await upgraded;
    expect(socket.transport.name).toBe("websocket");
    expect(socket.transport.protocol).toBe(3);
    socket.send(Buffer.from([1]));
    await waitFor(() => frames.length === 2);
    expect([...(frames[1] as Buffer)]).toEqual([4, 1]);
    ws.close();
  });
});
