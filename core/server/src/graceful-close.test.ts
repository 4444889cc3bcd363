import { EventEmitter } from "node:events";
import { jest } from "@jest/globals";
import { PendingAnswers, handOverConnections, handoverDelays, resolveHandover } from "./graceful-close.js";
import { ServerError } from "./server-errors.js";

/** An engine connection as the handover sees it: handing it off closes it when the test says so. */
class FakeConnection extends EventEmitter {
  readyState = "open";
  handedOffAt: number | undefined;

  handOff(): void {
    this.handedOffAt = Date.now();
  }

  close(): void {
    this.finish();
  }

  finish(): void {
    this.readyState = "closed";
    this.emit("close");
  }
}

/** A deterministic random(): the same sequence every run. */
function seeded(seed = 1): () => number {
  let x = seed;
  return () => {
    x = (x * 16807) % 2147483647;
    return (x - 1) / 2147483646;
  };
}

describe("resolveHandover", () => {
  it("is off unless asked, and fills the defaults", () => {
    expect(resolveHandover(undefined)).toBeUndefined();
    expect(resolveHandover(false)).toBeUndefined();
    expect(resolveHandover(true)).toEqual({ window: 5000, grace: 5000 });
    expect(resolveHandover({ window: 200 })).toEqual({ window: 200, grace: 5000 });
    // The default window never outlives a session.
    expect(resolveHandover(true, 3000)).toEqual({ window: 3000, grace: 5000 });
  });

  it("throws a coded error on a bad window or grace", () => {
    for (const bad of [{ window: -1 }, { window: Number.NaN }, { window: "1000" }, { grace: Infinity }]) {
      expect(() => resolveHandover(bad as never)).toThrow(ServerError);
    }
    expect(() => resolveHandover({ window: 10_000 }, 5000)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }) as Error);
    expect(() => resolveHandover("yes" as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }) as Error);
  });
});

describe("handoverDelays", () => {
  it("puts one connection in each slot of the window, in ascending order", () => {
    const delays = handoverDelays(100, 10_000, seeded());
    expect(delays).toHaveLength(100);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(i * 100);
      expect(delay).toBeLessThan((i + 1) * 100);
    });
    expect(handoverDelays(0, 1000)).toEqual([]);
    expect(handoverDelays(3, 0)).toEqual([0, 0, 0]);
  });
});

describe("handOverConnections", () => {
  afterEach(() => jest.useRealTimers());

  it("hands the connections off spread over the window and resolves once they are gone", async () => {
    jest.useFakeTimers({ now: 0 });
    const conns = Array.from({ length: 50 }, () => new FakeConnection());
    const done = handOverConnections(conns, { window: 1000, grace: 500 }, seeded(7));
    // Nobody at once: the first slot is 20 ms wide.
    jest.advanceTimersByTime(0);
    expect(conns.filter((c) => c.handedOffAt !== undefined).length).toBeLessThanOrEqual(1);
    // Half the window, about half the connections.
    jest.advanceTimersByTime(500);
    const half = conns.filter((c) => c.handedOffAt !== undefined).length;
    expect(half).toBeGreaterThanOrEqual(24);
    expect(half).toBeLessThanOrEqual(26);
    jest.advanceTimersByTime(500);
    expect(conns.every((c) => c.handedOffAt !== undefined)).toBe(true);
    // No 100 ms stretch holds more than its share (5) plus one.
    const times = conns.map((c) => c.handedOffAt!);
    for (let start = 0; start < 1000; start += 10) expect(times.filter((t) => t >= start && t < start + 100).length).toBeLessThanOrEqual(6);
    for (const conn of conns) conn.finish();
    await expect(done).resolves.toEqual({ handedOver: 50, left: 0 });
  });

  it("stops waiting after the grace period and says how many are left", async () => {
    jest.useFakeTimers({ now: 0 });
    const conns = [new FakeConnection(), new FakeConnection(), new FakeConnection()];
    const done = handOverConnections(conns, { window: 300, grace: 200 }, seeded(3));
    jest.advanceTimersByTime(300);
    conns[0].finish();
    jest.advanceTimersByTime(200);
    await expect(done).resolves.toEqual({ handedOver: 1, left: 2 });
  });

  it("closes a connection without handOff (engine.io's) and skips closed ones", async () => {
    jest.useFakeTimers({ now: 0 });
    const plain = new FakeConnection();
    (plain as { handOff?: unknown }).handOff = undefined;
    const gone = new FakeConnection();
    gone.readyState = "closed";
    const done = handOverConnections([plain, gone], { window: 100, grace: 100 });
    jest.advanceTimersByTime(100);
    await expect(done).resolves.toEqual({ handedOver: 1, left: 0 });
    expect(gone.handedOffAt).toBeUndefined();
  });
});

describe("PendingAnswers", () => {
  afterEach(() => jest.useRealTimers());

  it("resolves at once with nothing pending, and once the last started answer is done", async () => {
    const answers = new PendingAnswers();
    await expect(answers.settled(1000)).resolves.toBe(true);
    answers.start();
    answers.start();
    const settled = answers.settled(1000);
    answers.done();
    answers.done();
    await expect(settled).resolves.toBe(true);
  });

  it("gives up after the timeout when a handler never answers", async () => {
    jest.useFakeTimers();
    const answers = new PendingAnswers();
    answers.start();
    const settled = answers.settled(500);
    jest.advanceTimersByTime(499);
    answers.done();
    answers.start();
    const again = answers.settled(500);
    jest.advanceTimersByTime(500);
    await expect(settled).resolves.toBe(true);
    await expect(again).resolves.toBe(false);
  });
});
