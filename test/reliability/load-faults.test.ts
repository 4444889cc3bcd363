// Faults from clients that do not behave: half-open connections are closed within
// pingInterval + pingTimeout, engine connections that never join a namespace within
// connectTimeout, and a flood of abandoned polling handshakes is reaped without starving a live
// client's acks. `npm run soak` runs larger versions and prints the figures.
import { startServer as start } from "../interop/server-fixture.js";
import { abandonedHandshakes, measureHalfOpen, measureNoNamespace } from "../soak/fault-probes.js";

// Slack on top of the protocol's deadlines: two busy cores, other suites running alongside.
const SLACK = 2000;

describe("faults under load", () => {
  it("closes half-open connections (no reads, no pongs) within pingInterval + pingTimeout", async () => {
    const pingInterval = 300;
    const pingTimeout = 300;
    const s = await start({ pingInterval, pingTimeout });
    try {
      const { times, reasons } = await measureHalfOpen(s.io, s.url, 20);
      expect(reasons).toEqual({ "ping timeout": 20 });
      expect(times[times.length - 1]).toBeLessThanOrEqual(pingInterval + pingTimeout + SLACK);
      expect(s.io.engine.clientsCount).toBe(0);
    } finally {
      await s.close();
    }
  });

  it("closes engine connections that never join a namespace within connectTimeout", async () => {
    const connectTimeout = 400;
    const s = await start({ connectTimeout, pingInterval: 60_000, pingTimeout: 60_000 });
    try {
      const { times, reasons } = await measureNoNamespace(s.io, s.url, 20);
      expect(reasons).toEqual({ "forced close": 20 });
      expect(times[0]).toBeGreaterThanOrEqual(connectTimeout - 50);
      expect(times[times.length - 1]).toBeLessThanOrEqual(connectTimeout + SLACK);
      expect(s.io.engine.clientsCount).toBe(0);
    } finally {
      await s.close();
    }
  });

  it("reaps 1,000 abandoned polling handshakes while a live client keeps its acks flowing", async () => {
    const s = await start({ pingInterval: 400, pingTimeout: 400 });
    s.io.on("connection", (socket) => socket.on("echo", (i: number, ack: (i: number) => void) => ack(i)));
    try {
      const run = await abandonedHandshakes(s.io, s.url, 1000, 20, 15_000);
      // The sessions really piled up, and were all closed afterwards.
      expect(run.peakSessions).toBeGreaterThan(100);
      expect(run.acks).toBeGreaterThan(10);
      // The last ones were opened as the flood ended: pingInterval + pingTimeout later they are gone.
      expect(run.reapedAfter).toBeLessThanOrEqual(800 + SLACK);
    } finally {
      await s.close();
    }
  }, 60_000);
});
