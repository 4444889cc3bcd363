import "reflect-metadata";
import { Inject, Injectable, Module, UnauthorizedException, type CanActivate, type ExecutionContext } from "@nestjs/common";
import { afterEach, describe, expect, it } from "@jest/globals";
import { ConnectedSocket, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from "@nestjs/websockets";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { jwtAuth, SwitchboardAdapter, SwitchboardAdapterError, type Socket } from "@switchboard/nestjs";
import { connected, refused, SECRET, signToken } from "../auth/harness.js";
import { Clients, sleep } from "../../support/index.js";
import { startNest, type NestApp, type Platform } from "./start-nest.js";

const CONFIG = Symbol("CONFIG");
const SWITCHBOARD_OPTIONS = "SWITCHBOARD_OPTIONS";

/** Who reached handleConnection, per namespace. */
@Injectable()
class Reached {
  names: string[] = [];
}

@WebSocketGateway()
class MainGateway implements OnGatewayConnection {
  constructor(private readonly reached: Reached) {}

  handleConnection(client: Socket): void {
    this.reached.names.push(`main:${client.data.user?.sub ?? client.handshake.auth.key ?? "?"}`);
  }

  @SubscribeMessage("whoami")
  whoami(@ConnectedSocket() client: Socket): unknown {
    return client.data.user;
  }
}

@WebSocketGateway({ namespace: "admin" })
class AdminGateway implements OnGatewayConnection {
  constructor(private readonly reached: Reached) {}

  handleConnection(client: Socket): void {
    this.reached.names.push(`admin:${client.data.user?.sub ?? "?"}`);
  }

  @SubscribeMessage("whoami")
  whoami(@ConnectedSocket() client: Socket): unknown {
    return client.data.user;
  }
}

@WebSocketGateway({ namespace: /^\/team-\d+$/ })
class TeamGateway {
  @SubscribeMessage("whoami")
  whoami(@ConnectedSocket() client: Socket): unknown {
    return { nsp: client.nsp.name, sub: client.data.user?.sub };
  }
}

/** A connection guard with an injected dependency: the key comes from the configuration. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(@Inject(CONFIG) private readonly config: { apiKey: string }) {}

  canActivate(context: ExecutionContext): boolean {
    const auth = context.switchToWs().getData<{ key?: string }>();
    if (auth.key === "revoked") throw new UnauthorizedException("this key was revoked");
    return auth.key === this.config.apiKey;
  }
}

@Module({
  providers: [
    Reached,
    MainGateway,
    AdminGateway,
    TeamGateway,
    ApiKeyGuard,
    { provide: CONFIG, useValue: { apiKey: "k-123", jwtSecret: SECRET } },
    // An async provider: resolved before the adapter reads it.
    {
      provide: SWITCHBOARD_OPTIONS,
      inject: [CONFIG],
      useFactory: async (config: { jwtSecret: string }) => {
        await sleep(1);
        return { auth: jwtAuth({ secret: config.jwtSecret }), pingInterval: 5000 };
      },
    },
  ],
})
class HandshakeModule {}

describe.each(["express", "fastify"] as Platform[])("handshake auth on Nest's %s platform", (platform) => {
  let nest: NestApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await nest?.close();
    nest = undefined;
  });

  describe("jwtAuth as the adapter's auth", () => {
    it("refuses a client without a token on every namespace: connect_error with data.code, no handleConnection", async () => {
      nest = await startNest(HandshakeModule, { platform, adapter: { auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }) } });
      const main = await refused(clients.open(nest.url, { transports: ["websocket"] }));
      const admin = await refused(clients.open(`${nest.url}/admin`, { transports: ["polling"] }));
      expect(main.data?.code).toBe("missing_token");
      expect(admin.data?.code).toBe("missing_token");
      const expired = await refused(clients.open(`${nest.url}/admin`, { transports: ["websocket"], auth: { token: await signToken("old", -60) } }));
      expect(expired.data?.code).toBe("token_expired");
      expect(nest.app.get(Reached).names).toEqual([]);
    });

    it("lets a valid token through, with the claims on socket.data.user", async () => {
      nest = await startNest(HandshakeModule, { platform, adapter: { auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }) } });
      const token = await signToken("alice");
      const admin = await connected(clients.open(`${nest.url}/admin`, { transports: ["websocket"], auth: { token } }));
      expect(await admin.emitWithAck("whoami")).toMatchObject({ sub: "alice" });
      expect(nest.app.get(Reached).names).toEqual(["admin:alice"]);
    });

    it("guards the dynamic namespaces of a RegExp gateway too", async () => {
      nest = await startNest(HandshakeModule, { platform, adapter: { auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }) } });
      expect((await refused(clients.open(`${nest.url}/team-1`, { transports: ["websocket"] }))).data?.code).toBe("missing_token");
      const team = await connected(clients.open(`${nest.url}/team-2`, { transports: ["polling"], auth: { token: await signToken("erin") } }));
      expect(await team.emitWithAck("whoami")).toEqual({ nsp: "/team-2", sub: "erin" });
    });
  });

  describe("connection guards", () => {
    it("runs a DI guard at handshake: false refuses with forbidden before handleConnection", async () => {
      nest = await startNest(HandshakeModule, { platform, adapter: { connectionGuards: [ApiKeyGuard] } });
      const err = await refused(clients.open(nest.url, { transports: ["websocket"], auth: { key: "wrong" } }));
      expect(err.data?.code).toBe("forbidden");
      expect(err.message).toBe("Forbidden resource");
      const ok = await connected(clients.open(nest.url, { transports: ["polling"], auth: { key: "k-123" } }));
      expect(ok.connected).toBe(true);
      expect(nest.app.get(Reached).names).toEqual(["main:k-123"]);
    });

    it("turns a guard's exception into the refusal's message and code", async () => {
      nest = await startNest(HandshakeModule, { platform, adapter: { connectionGuards: [ApiKeyGuard] } });
      const err = await refused(clients.open(`${nest.url}/admin`, { transports: ["websocket"], auth: { key: "revoked" } }));
      expect(err.data?.code).toBe("unauthorized");
      expect(err.message).toBe("this key was revoked");
    });

    it("accepts guard instances too", async () => {
      const onlyBob: CanActivate = { canActivate: (ctx) => ctx.switchToWs().getClient<Socket>().handshake.auth.name === "bob" };
      nest = await startNest(HandshakeModule, { platform, adapter: { connectionGuards: [onlyBob] } });
      await connected(clients.open(nest.url, { transports: ["websocket"], auth: { name: "bob" } }));
      expect((await refused(clients.open(nest.url, { transports: ["websocket"], auth: { name: "eve" } }))).data?.code).toBe("forbidden");
    });
  });

  describe("options from the DI container", () => {
    it("reads them from a provider token (useExisting), async providers included", async () => {
      nest = await startNest(HandshakeModule, { platform, adapter: { useExisting: SWITCHBOARD_OPTIONS } });
      expect((await refused(clients.open(nest.url, { transports: ["websocket"] }))).data?.code).toBe("missing_token");
      const socket = await connected(clients.open(nest.url, { transports: ["websocket"], auth: { token: await signToken("carol") } }));
      expect(await socket.emitWithAck("whoami")).toMatchObject({ sub: "carol" });
    });

    it("builds them with a factory and injected providers", async () => {
      nest = await startNest(HandshakeModule, {
        platform,
        adapter: { inject: [CONFIG], useFactory: (config: { jwtSecret: string }) => ({ auth: jwtAuth({ secret: config.jwtSecret }) }) },
      });
      const socket = await connected(clients.open(`${nest.url}/admin`, { transports: ["polling"], auth: { token: await signToken("dan") } }));
      expect(await socket.emitWithAck("whoami")).toMatchObject({ sub: "dan" });
      expect((await refused(clients.open(nest.url, { transports: ["polling"] }))).data?.code).toBe("missing_token");
    });

    it("refuses an async factory with a clear error at startup", async () => {
      const app =
        platform === "fastify"
          ? await NestFactory.create(HandshakeModule, new FastifyAdapter(), { logger: false })
          : await NestFactory.create(HandshakeModule, { logger: false });
      app.useWebSocketAdapter(new SwitchboardAdapter(app, { inject: [CONFIG], useFactory: (async () => ({})) as never }));
      try {
        const failing = app.init();
        await expect(failing).rejects.toMatchObject({ code: "ASYNC_OPTIONS_FACTORY" });
        await expect(failing).rejects.toBeInstanceOf(SwitchboardAdapterError);
      } finally {
        await app.close();
      }
    });
  });
});
