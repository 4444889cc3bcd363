import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { Heartbeat } from "./heartbeat.js";

function owner() {
  const events: string[] = [];
  return { events, sendPing: () => events.push("ping"), onPingTimeout: () => events.push("timeout") };
}

describe("Heartbeat", () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("v4: pings every pingInterval, and times out pingTimeout after an unanswered ping", () => {
    const o = owner();
    const heartbeat = new Heartbeat(o, 4, 100, 50);
    jest.advanceTimersByTime(99);
    expect(o.events).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["ping"]);
    expect(heartbeat.onPong()).toBe(true);
    jest.advanceTimersByTime(100);
    expect(o.events).toEqual(["ping", "ping"]);
    jest.advanceTimersByTime(50);
    expect(o.events).toEqual(["ping", "ping", "timeout"]);
    heartbeat.stop();
  });

  it("v4: a ping from the client is invalid", () => {
    const heartbeat = new Heartbeat(owner(), 4, 100, 50);
    expect(heartbeat.onPing()).toBe(false);
    heartbeat.stop();
  });

  it("v3: never pings; each client ping pushes the deadline back by pingInterval + pingTimeout", () => {
    const o = owner();
    const heartbeat = new Heartbeat(o, 3, 100, 50);
    jest.advanceTimersByTime(149);
    expect(heartbeat.onPing()).toBe(true);
    jest.advanceTimersByTime(149);
    expect(o.events).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(o.events).toEqual(["timeout"]);
    expect(heartbeat.onPong()).toBe(false);
    heartbeat.stop();
  });

  it("stop() leaves no timer behind", () => {
    const o = owner();
    const heartbeat = new Heartbeat(o, 4, 100, 50);
    heartbeat.stop();
    jest.advanceTimersByTime(1000);
    expect(o.events).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
