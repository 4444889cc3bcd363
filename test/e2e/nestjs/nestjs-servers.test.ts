import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { NestFactory } from "@nestjs/core";
import { Body, Controller, Inject, Injectable, Module, Post, ValidationPipe, type Type } from "@nestjs/common";
import { IsString } from "class-validator";
import { afterEach, describe, expect, it } from "@jest/globals";
import { ConnectedSocket, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from "@nestjs/websockets";
import { SwitchboardAdapter, type GatewayServerOptions, type Server, type Socket } from "@switchboard/nestjs";
import { connected } from "../auth/harness.js";
import { Clients, closeServer, listen, once, waitFor } from "../../support/index.js";
import { startNest, type NestApp, type Platform } from "./start-nest.js";

/** What the hooks saw, across gateways. */
@Injectable()
class Seen {
  connections: string[] = [];
  disconnections: Array<{ gateway: string; reason: string | undefined }> = [];
}

function trackingGateway(name: string) {
  class Tracking implements OnGatewayConnection, OnGatewayDisconnect {
    constructor(@Inject(Seen) readonly seen: Seen) {}

    handleConnection(client: Socket): void {
      this.seen.connections.push(`${name}:${client.nsp.name}`);
    }

    handleDisconnect(_client: Socket, reason?: string): void {
      this.seen.disconnections.push({ gateway: name, reason });
    }

    @SubscribeMessage("who")
    who(@ConnectedSocket() client: Socket): string {
      return `${name} ${client.nsp.name}`;
    }
  }
  return Tracking;
}

/** A free port for a gateway that wants its own (Nest reads it from the decorator, so it cannot be 0). */
async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await closeServer(server);
  return port;
}

class NoteDto {
  @IsString() text!: string;
}

/** An HTTP route next to the gateways: the adapter must leave its error handling alone. */
@Controller("notes")
class NotesController {
  @Post()
  create(@Body(new ValidationPipe()) note: NoteDto): { saved: string } {
    return { saved: note.text };
  }
}

function serversModule(ownPort: number): Type<unknown> {
  @WebSocketGateway()
  class MainGateway extends trackingGateway("main") {}

  @WebSocketGateway({ path: "/rt", cors: { origin: "https://app.example" } })
  class PathGateway extends trackingGateway("path") {}

  @WebSocketGateway({ path: "/ws-only", transports: ["websocket"] })
  class WebSocketOnlyGateway extends trackingGateway("ws-only") {}

  @WebSocketGateway(ownPort, { namespace: "side" })
  class OwnPortGateway extends trackingGateway("own-port") {}

  @Module({ controllers: [NotesController], providers: [Seen, MainGateway, PathGateway, WebSocketOnlyGateway, OwnPortGateway] })
  class ServersModule {}
  return ServersModule;
}

describe.each(["express", "fastify"] as Platform[])("servers of gateways on Nest's %s platform", (platform) => {
  let nest: NestApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await nest?.close();
    nest = undefined;
  });

  it("serves a gateway on its own port next to the application's server, and closes it with the app", async () => {
    const port = await freePort();
    nest = await startNest(serversModule(port), { platform });
    const side = await connected(clients.open(`http://127.0.0.1:${port}/side`, { transports: ["websocket"] }));
    expect(await side.emitWithAck("who")).toBe("own-port /side");
    const main = await connected(clients.open(nest.url, { transports: ["polling"] }));
    expect(await main.emitWithAck("who")).toBe("main /");
    // The side port serves nothing else.
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    await nest.close();
    const late = clients.open(`http://127.0.0.1:${port}/side`, { transports: ["websocket"] });
    await once(late, "connect_error");
  });

  it("serves gateways on their own path, with their cors and transports options", async () => {
    nest = await startNest(serversModule(await freePort()), { platform });
    const rt = await connected(clients.open(nest.url, { path: "/rt", transports: ["polling"] }));
    expect(await rt.emitWithAck("who")).toBe("path /");

    const preflight = await fetch(`${nest.url}/rt/?EIO=4&transport=polling`, { headers: { origin: "https://app.example" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
    await preflight.text();

    const polling = await fetch(`${nest.url}/ws-only/?EIO=4&transport=polling`);
    expect(polling.status).toBe(400);
    expect(await polling.json()).toEqual({ code: 0, message: "Transport unknown" });
    const ws = await connected(clients.open(nest.url, { path: "/ws-only", transports: ["websocket"] }));
    expect(await ws.emitWithAck("who")).toBe("ws-only /");
  });

  it("leaves the application's own routes alone, their validation errors included", async () => {
    const started = (nest = await startNest(serversModule(await freePort()), { platform }));
    const missing = await fetch(`${started.url}/not-socket-io`);
    expect(missing.status).toBe(404);
    await missing.text();
    const post = (body: unknown) =>
      fetch(`${started.url}/notes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const saved = await post({ text: "hi" });
    expect(await saved.json()).toEqual({ saved: "hi" });
    const invalid = await post({ text: 1 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ statusCode: 400, error: "Bad Request", message: ["text must be a string"] });
  });

  describe.each([false, true])("app.close() with forceCloseConnections: %s", (forceCloseConnections) => {
    it("disconnects every client (WebSocket and polling, every server) with handleDisconnect, and returns", async () => {
      const port = await freePort();
      nest = await startNest(serversModule(port), { platform, app: { forceCloseConnections } });
      const seen = nest.app.get(Seen);
      const sockets = await Promise.all([
        connected(clients.open(nest.url, { transports: ["websocket"] })),
        connected(clients.open(nest.url, { transports: ["polling"] })),
        connected(clients.open(nest.url, { path: "/rt" })),
        connected(clients.open(`http://127.0.0.1:${port}/side`, { transports: ["polling"] })),
      ]);
      await waitFor(() => seen.connections.length === 4);
      const gone = Promise.all(sockets.map((socket) => once<[string]>(socket, "disconnect")));
      await nest.close();
      const reasons = await gone;
      expect(sockets.every((socket) => !socket.connected)).toBe(true);
      expect(reasons.every(([reason]) => typeof reason === "string")).toBe(true);
      await waitFor(() => seen.disconnections.length === 4);
      expect(new Set(seen.disconnections.map((d) => d.reason))).toEqual(new Set(["server shutting down"]));
      expect(new Set(seen.disconnections.map((d) => d.gateway))).toEqual(new Set(["main", "path", "own-port"]));
    });
  });
});

/** The IoAdapter idiom for a Redis adapter or server-wide middleware: override createIOServer. */
class TaggingAdapter extends SwitchboardAdapter {
  override createIOServer(port: number, options?: GatewayServerOptions): Server {
    const server = super.createIOServer(port, options);
    server.use((socket, next) => {
      socket.data.tag = `tagged by ${server.path()}`;
      next();
    });
    return server;
  }
}

@WebSocketGateway()
class TagGateway {
  @SubscribeMessage("tag")
  tag(@ConnectedSocket() client: Socket): unknown {
    return client.data.tag;
  }
}

@Module({ providers: [TagGateway] })
class TagModule {}

describe("a subclass of the adapter", () => {
  it("can extend the Server in createIOServer, as IoAdapter subclasses do", async () => {
    const app = await NestFactory.create(TagModule, { logger: false });
    app.useWebSocketAdapter(new TaggingAdapter(app));
    await app.listen(0, "127.0.0.1");
    const clients = new Clients();
    try {
      const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const socket = await connected(clients.open(url, { transports: ["websocket"] }));
      expect(await socket.emitWithAck("tag")).toBe("tagged by /socket.io");
    } finally {
      await clients.closeAll();
      await app.close();
    }
  });
});
