import { jest } from "@jest/globals";
import { Server as OfficialServer } from "socket.io";
import * as switchboard from "@switchboard/server";
import { createApp as createOfficialApp } from "../../examples/drop-in/app.js";
import { drive } from "../../examples/drop-in/drive.js";

interface App {
  listen(port?: number): Promise<number>;
  close(): Promise<void>;
  io: unknown;
}
type CreateApp = () => App;

let createSwappedApp: CreateApp;

beforeAll(async () => {
  // The same file, loaded again with `socket.io` resolved to our package: the import "swapped".
  jest.resetModules();
  jest.unstable_mockModule("socket.io", () => switchboard);
  ({ createApp: createSwappedApp } = await import("../../examples/drop-in/app.js"));
});

async function transcript(createApp: CreateApp, transports: string[]): Promise<{ lines: string[]; io: unknown }> {
  const app = createApp();
  const port = await app.listen(0);
  try {
    return { lines: await drive(`http://127.0.0.1:${port}`, transports), io: app.io };
  } finally {
    await app.close();
  }
}

describe.each([
  ["polling", ["polling"]],
  ["websocket", ["websocket"]],
  ["upgrade", ["polling", "websocket"]],
])("the drop-in example over %s", (_name, transports) => {
  it("gives the same transcript on socket.io and on @switchboard/server", async () => {
    const official = await transcript(createOfficialApp, transports);
    const ours = await transcript(createSwappedApp, transports);
    expect(official.io).toBeInstanceOf(OfficialServer);
    expect(ours.io).toBeInstanceOf(switchboard.Server);
    expect(official.lines.length).toBe(12);
    expect(ours.lines).toEqual(official.lines);
  });
});
