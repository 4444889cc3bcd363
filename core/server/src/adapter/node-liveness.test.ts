import { jest } from "@jest/globals";
import { NodeLiveness } from "./node-liveness.js";

const INTERVAL = 1000;
const TIMEOUT = 3000;

describe("NodeLiveness", () => {
  let dead: string[];
  let liveness: NodeLiveness;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    dead = [];
    liveness = new NodeLiveness({ heartbeatInterval: INTERVAL, heartbeatTimeout: TIMEOUT }, (uid) => dead.push(uid));
  });

  afterEach(() => {
    liveness.close();
    jest.useRealTimers();
  });

  /** Advances time one heartbeat interval at a time; this node's own heartbeats come back each time. */
  function runWithWorkingLink(ms: number, peersHeard: string[] = []): void {
    for (let t = 0; t < ms; t += INTERVAL) {
      jest.advanceTimersByTime(Math.min(INTERVAL, ms - t));
      liveness.selfHeartbeat();
      for (const uid of peersHeard) liveness.heartbeat(uid);
    }
  }

  it("declares a silent peer dead heartbeatTimeout after its last word, not before", () => {
    liveness.selfHeartbeat();
    expect(liveness.heartbeat("p")).toBe(true);
    expect(liveness.heartbeat("p")).toBe(false);
    runWithWorkingLink(TIMEOUT);
    expect(dead).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(dead).toEqual(["p"]);
    expect(liveness.alive).toEqual([]);
  });

  it("keeps a peer that speaks, through heartbeats or any message", () => {
    liveness.selfHeartbeat();
    liveness.heartbeat("p");
    liveness.heartbeat("q");
    for (let i = 0; i < 10; i++) {
      runWithWorkingLink(INTERVAL, ["p"]);
      liveness.touch("q");
    }
    expect(dead).toEqual([]);
    expect(liveness.alive.sort()).toEqual(["p", "q"]);
    // A message from a node that is not a peer (an emitter, socket.io's nodes) adds nothing.
    liveness.touch("stranger");
    expect(liveness.lastHeard("stranger")).toBeUndefined();
  });

  it("judges no one while this node's own heartbeats do not come back (a broker outage)", () => {
    liveness.selfHeartbeat();
    liveness.heartbeat("p");
    // The broker is away for far longer than the timeout: every peer is silent, none is dead.
    jest.advanceTimersByTime(TIMEOUT * 5);
    expect(dead).toEqual([]);
    // The link is back (its first heartbeat comes one interval later), the peer is not: it is
    // judged once the link has worked for a whole timeout.
    runWithWorkingLink(TIMEOUT);
    expect(dead).toEqual([]);
    runWithWorkingLink(INTERVAL + 1);
    expect(dead).toEqual(["p"]);
  });

  it("forgets a peer that says goodbye, and stops on close", () => {
    liveness.selfHeartbeat();
    liveness.heartbeat("p");
    expect(liveness.remove("p")).toBe(true);
    expect(liveness.size).toBe(0);
    liveness.heartbeat("q");
    liveness.close();
    jest.advanceTimersByTime(TIMEOUT * 3);
    expect(dead).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe("NodeLiveness.whenKnown", () => {
  afterEach(() => jest.useRealTimers());

  it("resolves once enough peers are known, or at its timeout", async () => {
    jest.useFakeTimers();
    const liveness = new NodeLiveness({ heartbeatInterval: INTERVAL, heartbeatTimeout: TIMEOUT }, () => undefined);
    let known = false;
    void liveness.whenKnown(2, INTERVAL).then(() => (known = true));
    liveness.heartbeat("p");
    await Promise.resolve();
    expect(known).toBe(false);
    liveness.heartbeat("q");
    await Promise.resolve();
    expect(known).toBe(true);
    let late = false;
    void liveness.whenKnown(3, INTERVAL).then(() => (late = true));
    jest.advanceTimersByTime(INTERVAL);
    await Promise.resolve();
    expect(late).toBe(true);
    liveness.close();
  });
});
