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
