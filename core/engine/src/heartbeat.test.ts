import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { fireHeartbeat, onClientPing, onClientPong, startHeartbeat, stopHeartbeat, type HeartbeatSession } from "./heartbeat.js";
import { HeartbeatClock } from "./heartbeat-clock.js";

interface Owner {
  events: string[];
  sendPing(): unknown;
  onPingTimeout(): unknown;
}

function owner(): Owner {
  const events: string[] = [];
  return { events, sendPing: () => events.push("ping"), onPingTimeout: () => events.push("timeout") };
}

/** Starts the heartbeat of a session that reports to `o` (read at each call, so a test may swap them). */
function heartbeat(o: Omit<Owner, "events">, clock: HeartbeatClock, protocol: 3 | 4, pingInterval: number, pingTimeout: number) {
  const session: HeartbeatSession = {
    due: 0,
    prev: null,
    next: null,
    queue: null,
    awaitingPong: false,
    protocol,
    heartbeatHost: { heartbeatClock: clock, opts: { pingInterval, pingTimeout } },
    sendPing: () => void o.sendPing(),
    onPingTimeout: () => void o.onPingTimeout(),
    fire: () => fireHeartbeat(session),
  };
  startHeartbeat(session);
  return { onPing: () => onClientPing(session), onPong: () => onClientPong(session), stop: () => stopHeartbeat(session) };
}

describe("Heartbeat", () => {
  let clock: HeartbeatClock;
  beforeEach(() => {
    jest.useFakeTimers();
    clock = new HeartbeatClock();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("v4: pings every pingInterval, and times out pingTimeout after an unanswered ping", () => {
    const o = owner();
    const hbt = heartbeat(o, clock, 4, 100, 50);
    jest.advanceTimersByTime(99);
    expect(o.events).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["ping"]);
    expect(hbt.onPong()).toBe(true);
    jest.advanceTimersByTime(100);
    expect(o.events).toEqual(["ping", "ping"]);
    jest.advanceTimersByTime(49);
    expect(o.events).toEqual(["ping", "ping"]);
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["ping", "ping", "timeout"]);
    hbt.stop();
  });

  it("v4: the next ping is due pingInterval after the pong", () => {
    const o = owner();
    const hbt = heartbeat(o, clock, 4, 1000, 500);
    jest.advanceTimersByTime(1000);
    jest.advanceTimersByTime(300);
    hbt.onPong();
    jest.advanceTimersByTime(989);
    expect(o.events).toEqual(["ping"]);
    jest.advanceTimersByTime(11);
    expect(o.events).toEqual(["ping", "ping"]);
    hbt.stop();
  });

  it("v4: a ping from the client is invalid", () => {
    const hbt = heartbeat(owner(), clock, 4, 100, 50);
    expect(hbt.onPing()).toBe(false);
    hbt.stop();
  });

  it("v3: never pings; each client ping pushes the deadline back by pingInterval + pingTimeout", () => {
    const o = owner();
    const hbt = heartbeat(o, clock, 3, 100, 50);
    jest.advanceTimersByTime(149);
    expect(hbt.onPing()).toBe(true);
    jest.advanceTimersByTime(149);
    expect(o.events).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["timeout"]);
    expect(hbt.onPong()).toBe(false);
    hbt.stop();
  });

  it("stop() leaves no timer behind", () => {
    const o = owner();
    const hbt = heartbeat(o, clock, 4, 100, 50);
    hbt.stop();
    jest.advanceTimersByTime(1000);
    expect(o.events).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe("HeartbeatClock", () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("drives a thousand sessions with one timer, each with its own cadence", () => {
    const clock = new HeartbeatClock();
    const sessions = Array.from({ length: 1000 }, () => ({ o: owner(), hb: undefined as ReturnType<typeof heartbeat> | undefined }));
    // Sessions open 1 ms apart: their pings fall due 1 ms apart too.
    for (const s of sessions) {
      s.hb = heartbeat(s.o, clock, 4, 25000, 20000);
      jest.advanceTimersByTime(1);
    }
    expect(jest.getTimerCount()).toBe(1);
    // When the first ping falls due, those due within the next 50 ms (1 % of the interval, at
    // most 50 ms) go with it, in the same timer callback.
    jest.advanceTimersByTime(25000 - 1000 - 1);
    expect(sessions.filter((s) => s.o.events.length === 1)).toHaveLength(0);
    jest.advanceTimersByTime(1);
    const pinged = sessions.filter((s) => s.o.events.length === 1).length;
    expect(pinged).toBeGreaterThanOrEqual(1);
    expect(pinged).toBeLessThanOrEqual(51);
    expect(pinged).toBe(51);
    for (const s of sessions) if (s.o.events.length === 1) s.hb!.onPong();
    const pingTimes = new Set<number>();
    for (const s of sessions) {
      const sendPing = s.o.sendPing;
      s.o.sendPing = () => {
        pingTimes.add(Date.now());
        return sendPing();
      };
    }
    jest.advanceTimersByTime(1000);
    expect(sessions.every((s) => s.o.events.join() === "ping")).toBe(true);
    // 949 pings due one per millisecond: about one timer callback per 50 ms, not one per ping.
    expect(pingTimes.size).toBeLessThanOrEqual(20);
    expect(jest.getTimerCount()).toBe(1);
    // Only the ones still waiting for their pong after pingTimeout are timed out.
    const silent = sessions.filter((_, i) => i % 2 === 0 && i > 100);
    for (const s of sessions) if (!silent.includes(s)) s.hb!.onPong();
    jest.advanceTimersByTime(20000);
    expect(sessions.filter((s) => s.o.events.includes("timeout"))).toEqual(silent);
    for (const s of sessions) s.hb!.stop();
    expect(clock.isEmpty()).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("a half-open session is timed out within pingInterval + pingTimeout, never before its pong is due", () => {
    const clock = new HeartbeatClock();
    const o = owner();
    const hb = heartbeat(o, clock, 4, 300, 200);
    jest.advanceTimersByTime(299);
    expect(o.events).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["ping"]);
    jest.advanceTimersByTime(199);
    expect(o.events).toEqual(["ping"]);
    // pingInterval + pingTimeout after the open, pingTimeout after the ping.
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["ping", "timeout"]);
    hb.stop();
  });

  it("keeps firing the other sessions when one throws", () => {
    const clock = new HeartbeatClock();
    const o = owner();
    const failing = {
      sendPing: () => {
        throw new Error("boom");
      },
      onPingTimeout: () => undefined,
    };
    const a = heartbeat(failing, clock, 4, 100, 50);
    const b = heartbeat(o, clock, 4, 100, 50);
    const thrown: unknown[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (fn) => {
      try {
        fn();
      } catch (err) {
        thrown.push(err);
      }
    };
    try {
      jest.advanceTimersByTime(100);
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(o.events).toEqual(["ping"]);
    expect(thrown).toHaveLength(1);
    a.stop();
    b.stop();
  });

  it("a cancelled entry never fires, and an entry moved later fires at its new time", () => {
    const clock = new HeartbeatClock();
    const fired: string[] = [];
    const entry = (name: string) => ({ due: 0, prev: null, next: null, queue: null, fire: () => fired.push(name) });
    const a = entry("a");
    const b = entry("b");
    const c = entry("c");
    clock.schedule(a, 100);
    clock.schedule(b, 100);
    clock.schedule(c, 100);
    clock.cancel(b);
    jest.advanceTimersByTime(50);
    clock.schedule(a, 100);
    jest.advanceTimersByTime(50);
    expect(fired).toEqual(["c"]);
    jest.advanceTimersByTime(50);
    expect(fired).toEqual(["c", "a"]);
    expect(clock.isEmpty()).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });
});
