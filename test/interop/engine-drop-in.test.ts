import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as engineIo from "engine.io";
import { Socket as ClientSocket } from "engine.io-client";
import { attach, Engine, EngineSocket, listen, protocol, Server, Socket, Transport } from "@switchboard/engine";
import { closeServer, listen as listenOnLoopback, once } from "../support/index.js";

// An engine.io application changes `from "engine.io"` to `from "@switchboard/engine"` and keeps
// working with the official engine.io-client: the same entry points, with the same shapes.

const clients: ClientSocket[] = [];
const engines: Server[] = [];
const servers: HttpServer[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const engine of engines.splice(0)) engine.close();
  await Promise.all(servers.splice(0).map(closeServer));
});

/** Connects engine.io-client, echoes one message each way through the engine and closes from the client. */
async function roundTrip(engine: Server, url: string, opts: { path?: string } = {}): Promise<{ fromClient: string; fromServer: string; reason: string }> {
  const connected = once<[Socket]>(engine, "connection");
  const client = new ClientSocket(url, { transports: ["polling", "websocket"], ...opts });
  clients.push(client);
  const [socket] = await connected;
  expect(socket).toBeInstanceOf(Socket);
  expect(socket.transport).toBeInstanceOf(Transport);
  const received = once<[string]>(socket, "message");
  const greeted = once<[string]>(client, "message");
  socket.send("from the engine");
  if (client.readyState !== "open") await once(client, "open");
  client.send("from the client");
  const [[fromClient], [fromServer]] = await Promise.all([received, greeted]);
  const closed = once<[string]>(socket, "close");
  client.close();
  const [reason] = await closed;
  expect(engine.clientsCount).toBe(0);
  return { fromClient, fromServer, reason };
}

const EXCHANGED = { fromClient: "from the client", fromServer: "from the engine", reason: "transport close" };

describe("@switchboard/engine as a drop-in for engine.io", () => {
  it("exports engine.io's entry points, with the Engine.IO protocol revision", () => {
    expect(protocol).toBe(4);
    expect(protocol).toBe(engineIo.protocol);
    expect(Server).toBe(Engine);
    expect(Socket).toBe(EngineSocket);
    expect([typeof listen, typeof attach, typeof Transport]).toEqual(["function", "function", "function"]);
  });

  it("listen(port, callback) serves the engine on a new HTTP server that answers other paths 501", async () => {
    const engine = await new Promise<Server>((resolve) => {
      const created: Server = listen(0, () => resolve(created));
    });
    engines.push(engine);
    expect(engine).toBeInstanceOf(Server);
    servers.push(engine.httpServer!);
    const url = `http://localhost:${(engine.httpServer!.address() as AddressInfo).port}`;
    expect((await fetch(`${url}/elsewhere`)).status).toBe(501);
    expect(await roundTrip(engine, url)).toEqual(EXCHANGED);
  });

  it("listen(port, opts, callback) takes the engine's and attach options", async () => {
    const engine = await new Promise<Server>((resolve) => {
      const created: Server = listen(0, { path: "/realtime", pingInterval: 5000 }, () => resolve(created));
    });
    engines.push(engine);
    servers.push(engine.httpServer!);
    expect(engine.opts.pingInterval).toBe(5000);
    const url = `http://localhost:${(engine.httpServer!.address() as AddressInfo).port}`;
    expect(await roundTrip(engine, url, { path: "/realtime" })).toEqual(EXCHANGED);
  });

  it("attach(httpServer) adds an engine to an existing server, which keeps its own routes", async () => {
    const httpServer = createServer((_req, res) => res.end("app"));
    const engine = attach(httpServer);
    engines.push(engine);
    const { server, url } = await listenOnLoopback(httpServer);
    servers.push(server);
    expect(engine).toBeInstanceOf(Server);
    expect(engine.httpServer).toBeUndefined();
    expect(await (await fetch(`${url}/`)).text()).toBe("app");
    expect(await roundTrip(engine, url)).toEqual(EXCHANGED);
  });

  it("new Server(opts) then .attach(httpServer, opts), and a close from the server", async () => {
    const engine = new Server({ pingTimeout: 4000 });
    engines.push(engine);
    const { server, url } = await listenOnLoopback();
    servers.push(server);
    expect(engine.attach(server, { path: "/eio" })).toBe(engine);
    const connected = once<[Socket]>(engine, "connection");
    const client = new ClientSocket(url, { path: "/eio", transports: ["websocket"] });
    clients.push(client);
    const [socket] = await connected;
    if (client.readyState !== "open") await once(client, "open");
    const echoed = once<[string]>(client, "message");
    socket.on("message", (data) => socket.send(`echo:${String(data)}`));
    client.send("hi");
    expect(await echoed).toEqual(["echo:hi"]);
    const clientClosed = once<[string]>(client, "close");
    socket.close();
    expect((await clientClosed)[0]).toBe("transport close");
  });
});
