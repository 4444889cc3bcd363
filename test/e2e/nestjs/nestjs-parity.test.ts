import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { INestApplication, WebSocketAdapter } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { IoAdapter } from "@nestjs/platform-socket.io";
import { afterEach, describe, expect, it } from "@jest/globals";
import { SwitchboardAdapter } from "@switchboard/nestjs";
import { connected } from "../auth/harness.js";
import { Clients, once, waitFor } from "../../support/index.js";
import { GatewaysModule, Lifecycle } from "./gateways.js";

type Adapters = "IoAdapter" | "SwitchboardAdapter";

/** The same application, the same client script: only the adapter line differs. */
async function boot(kind: Adapters): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(GatewaysModule, { logger: false });
  const adapter: WebSocketAdapter = kind === "IoAdapter" ? new IoAdapter(app) : new SwitchboardAdapter(app);
  app.useWebSocketAdapter(adapter);
  await app.listen(0, "127.0.0.1");
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

/** Everything a client observes of a session with the gateways of ./gateways.ts. */
async function script(app: INestApplication, url: string, clients: Clients): Promise<Record<string, unknown>> {
  const socket = await connected(clients.open(url, { transports: ["websocket"] }));
  const polling = await connected(clients.open(url, { transports: ["polling"] }));
  const seen: Record<string, unknown> = {};
  seen.echo = await socket.emitWithAck("echo", { a: [1, "b"] });
  seen.args = await polling.emitWithAck("args", 1, "two");
  seen.pong = await new Promise((resolve) => {
    socket.once("pong", resolve);
    socket.emit("ping", 1);
  });
  seen.later = await socket.emitWithAck("later", "x");
  const counted: number[] = [];
  socket.on("counted", (n: number) => counted.push(n));
  socket.emit("count", 3);
  await waitFor(() => counted.length === 3);
  seen.counted = counted;
  seen.first = await socket.emitWithAck("first");
  seen.manual = await socket.emitWithAck("manual", "m");
  seen.whoamiIsId = (await socket.emitWithAck("whoami")) === socket.id;
  const exception = () => once<[unknown]>(socket, "exception").then(([e]) => e);
  let next = exception();
  socket.emit("fail", 1);
  seen.fail = await next;
  next = exception();
  socket.emit("crash");
  seen.crash = await next;
  next = exception();
  socket.emit("admin-only", { role: "guest" });
  seen.guard = await next;
  seen.dto = await socket.emitWithAck("create-user", { name: "Ada", age: 36 });
  seen.wrapped = await socket.emitWithAck("wrapped", 7);
  const teapot = once<[unknown]>(socket, "teapot");
  socket.emit("brew");
  seen.teapot = (await teapot)[0];
  const admin = await connected(clients.open(`${url}/admin`, { transports: ["websocket"] }));
  seen.admin = await admin.emitWithAck("where");
  const team = await connected(clients.open(`${url}/team-7`, { transports: ["polling"] }));
  seen.team = await team.emitWithAck("where");
  const [err] = await once<[Error]>(clients.open(`${url}/nowhere`, { transports: ["websocket"] }), "connect_error");
  seen.invalidNamespace = err.message;
  const lifecycle = app.get(Lifecycle);
  const id = socket.id;
  socket.disconnect();
  await waitFor(() => lifecycle.disconnected.some((d) => d.id === id));
  seen.disconnectReason = lifecycle.disconnected.find((d) => d.id === id)?.reason;
  seen.inits = [...lifecycle.inits].sort();
  return seen;
}

describe("the same Nest application with IoAdapter and with SwitchboardAdapter", () => {
  const clients = new Clients();
  const apps: INestApplication[] = [];

  afterEach(async () => {
    await clients.closeAll();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const observe = async (kind: Adapters) => {
    const { app, url } = await boot(kind);
    apps.push(app);
    return script(app, url, clients);
  };

  it("looks the same to the official client", async () => {
    const io = await observe("IoAdapter");
    const switchboard = await observe("SwitchboardAdapter");
    expect(switchboard).toEqual(io);
    expect(switchboard.fail).toEqual({ status: "error", message: "nope", cause: { pattern: "fail", data: 1 } });
    expect(switchboard.disconnectReason).toBe("client namespace disconnect");
  });

  it("differs where it should: a validation failure names the fields instead of 'Internal server error'", async () => {
    const failure = async (kind: Adapters) => {
      const { app, url } = await boot(kind);
      apps.push(app);
      const socket = await connected(clients.open(url, { transports: ["websocket"] }));
      const exception = once<[{ message: string }]>(socket, "exception");
      socket.emit("create-user", { name: "A", age: 1 });
      return (await exception)[0].message;
    };
    expect(await failure("IoAdapter")).toBe("Internal server error");
    expect(await failure("SwitchboardAdapter")).toBe("Validation failed: name");
  });
});
