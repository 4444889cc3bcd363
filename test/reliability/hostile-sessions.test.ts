/**
 * End to end, bounded: raw hostile sessions over WebSocket and polling against our Server while
 * official socket.io-client canaries on the same server ask for acks. Every malformed session is
 * closed by the server, the canaries get every ack, and nothing escapes as an uncaught exception.
 * The long run is `npm run fuzz` (test/fuzz/run-fuzz.mjs --hostile). Reproduce with FUZZ_SEED.
 */
import { WebSocket } from "ws";
import { io as ioc } from "socket.io-client";
import * as protocol from "@switchboard/protocol";
import { Server } from "@switchboard/server";
import { waitFor } from "../support/index.js";
import { sidOf, startTarget, type Target } from "./cve-fixture.js";
import { runHostileSessions } from "./hostile-run.js";

const SEED = Number(process.env.FUZZ_SEED ?? 0xbad5eed) >>> 0;

describe("reliability: hostile sessions end to end", () => {
  it("sheds malformed WebSocket and polling sessions while canaries get every ack", async () => {
    const report = await runHostileSessions({ protocol, Server, WebSocket, ioc }, { sessions: 600, seed: SEED, concurrency: 8 });
    expect(report.uncaught).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.canary.failures).toEqual([]);
    expect(report.canary.acked).toBe(report.canary.sent);
    expect(report.canary.acked).toBeGreaterThan(10);
    // Both transports and every kind of outcome were really exercised.
    expect(report.sessions.websocket).toBeGreaterThan(300);
    expect(report.sessions.polling).toBeGreaterThan(100);
    expect(report.expected.malformed).toBeGreaterThan(200);
    expect(report.expected.valid).toBeGreaterThan(50);
    // The server closed at least every malformed session itself.
    expect(report.shed).toBeGreaterThanOrEqual(report.expected.malformed);
  }, 60_000);
});

describe("reliability: extreme frames end to end", () => {
  let target: Target;
  afterEach(async () => {
    await target.close();
    expect(target.uncaught).toEqual([]);
  });

  it("very deep nesting: plain data reaches the handler, around a placeholder it closes the session", async () => {
    target = await startTarget();
    const depths: number[] = [];
    target.io.on("connection", (socket) =>
      socket.on("deep", (value: unknown) => {
        let depth = 0;
        for (let v = value; Array.isArray(v); v = v[0]) depth++;
        depths.push(depth);
      }),
    );
    const plain = await target.rawWebSocket();
    plain.send(`42["deep",${"[".repeat(50_000)}${"]".repeat(50_000)}]`);
    await waitFor(() => depths.length === 1, 5000, "the deep event");
    expect(depths).toEqual([50_000]);
    const binary = await target.rawWebSocket();
    binary.send(`451-["deep",${"[".repeat(5_000)}{"_placeholder":true,"num":0}${"]".repeat(5_000)}]`);
    binary.send(Buffer.from([1]));
    expect(await target.closeReason(sidOf(binary))).toBe("forced close");
    expect(target.closes.has(sidOf(plain))).toBe(false);
    await target.assertAlive();
    plain.ws.close();
  });

  it("a frame just under maxHttpBufferSize is delivered, one byte over closes the session", async () => {
    target = await startTarget({ maxHttpBufferSize: 50_000 });
    const sizes: number[] = [];
    target.io.on("connection", (socket) => socket.on("big", (text: string) => sizes.push(text.length)));
    const envelope = '42["big",""]'.length;
    const fits = await target.rawWebSocket();
    fits.send(`42["big","${"x".repeat(50_000 - envelope)}"]`);
    await waitFor(() => sizes.length === 1, 5000, "the big event");
    expect(sizes).toEqual([50_000 - envelope]);
    const over = await target.rawWebSocket();
    over.send(`42["big","${"x".repeat(50_001 - envelope)}"]`);
    expect(await over.closed).toBe(1009);
    const polling = await target.rawPolling();
    expect((await polling.post(`42["big","${"x".repeat(50_001 - envelope)}"]`)).status).toBe(413);
    expect(await target.closeReason(polling.sid)).toBe("transport error");
    await target.assertAlive();
    fits.ws.close();
  });
});
