import "reflect-metadata";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Module, type INestApplication } from "@nestjs/common";
import { afterEach, describe, expect, it } from "@jest/globals";
import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from "@nestjs/websockets";
import type { Socket } from "@switchboard/nestjs";
import { connected, refused } from "../auth/harness.js";
import { Clients } from "../../support/index.js";
import { startNest, type NestApp, type Platform } from "./start-nest.js";

type TenantRequest = IncomingMessage & { tenant?: string };

@WebSocketGateway()
class TenantGateway {
  @SubscribeMessage("tenant")
  tenant(@ConnectedSocket() client: Socket): unknown {
    return (client.request as TenantRequest).tenant;
  }
}

@Module({ providers: [TenantGateway] })
class TenantModule {}

/** What the application's own stack does to every request: a tenant header, required on /socket.io/. */
function tenantCheck(req: TenantRequest, res: ServerResponse): boolean {
  const tenant = req.headers["x-tenant"];
  if (typeof tenant !== "string" && req.url?.startsWith("/socket.io/")) {
    res.writeHead(401, { "content-type": "text/plain" }).end("no tenant");
    return false;
  }
  req.tenant = typeof tenant === "string" ? tenant : undefined;
  return true;
}

function installTenantCheck(platform: Platform, app: INestApplication): void {
  if (platform === "express") {
    app.use((req: TenantRequest, res: ServerResponse, next: () => void) => tenantCheck(req, res) && next());
    return;
  }
  const fastify = app.getHttpAdapter().getInstance() as {
    addHook(name: "onRequest", hook: (request: { raw: TenantRequest }, reply: { raw: ServerResponse; hijack(): void }, done: () => void) => void): void;
  };
  fastify.addHook("onRequest", (request, reply, done) => {
    if (tenantCheck(request.raw, reply.raw)) done();
    else reply.hijack();
  });
}

describe.each(["express", "fastify"] as Platform[])("routeThroughApp on Nest's %s platform", (platform) => {
  let nest: NestApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await nest?.close();
    nest = undefined;
  });

  const start = () =>
    startNest(TenantModule, {
      platform,
      adapter: { routeThroughApp: true },
      setup: (app) => {
        app.enableCors({ origin: "https://app.example" });
        installTenantCheck(platform, app);
      },
    });

  it("runs the application's middlewares on polling requests and on WebSocket upgrades", async () => {
    nest = await start();
    const ws = await connected(clients.open(nest.url, { transports: ["websocket"], extraHeaders: { "x-tenant": "acme" } }));
    expect(await ws.emitWithAck("tenant")).toBe("acme");
    const polling = await connected(clients.open(nest.url, { transports: ["polling"], extraHeaders: { "x-tenant": "globex" } }));
    expect(await polling.emitWithAck("tenant")).toBe("globex");
    const upgraded = clients.open(nest.url, { extraHeaders: { "x-tenant": "initech" } });
    await connected(upgraded);
    await new Promise((resolve) => (upgraded.io.engine.transport.name === "websocket" ? resolve(undefined) : upgraded.io.engine.once("upgrade", resolve)));
    expect(await upgraded.emitWithAck("tenant")).toBe("initech");
  });

  it("lets a middleware refuse the handshake, over both transports", async () => {
    nest = await start();
    await refused(clients.open(nest.url, { transports: ["websocket"] }));
    await refused(clients.open(nest.url, { transports: ["polling"] }));
    const res = await fetch(`${nest.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("no tenant");
  });

  it("applies app.enableCors() to the engine's answers, and still serves the client bundle", async () => {
    nest = await start();
    const res = await fetch(`${nest.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://app.example", "x-tenant": "acme" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(await res.text()).toMatch(/^0\{"sid"/);
    const bundle = await fetch(`${nest.url}/socket.io/socket.io.js`, { headers: { "x-tenant": "acme" } });
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(1000);
  });
});
