import { jest } from "@jest/globals";
import { createTimers } from "../timers.js";
import { WriteMeter } from "./write-meter.js";

describe("WriteMeter", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A meter over a transport whose `bufferedAmount` the test sets (undefined: it cannot tell, as polling). */
  function meter(mark: number, transport: { buffered: number | undefined }) {
    const drains: number[] = [];
    const m = new WriteMeter(
      mark,
      createTimers({}),
      () => transport.buffered,
      () => drains.push(m.bufferedAmount),
    );
    return { m, drains };
  }

  it("counts queued packets, then the batch in flight until the transport is done (polling)", () => {
    const { m, drains } = meter(10, { buffered: undefined });
    m.queued("abcd"); // 5
    expect(m.afterWrite()).toBe(false);
    m.queued("abcd"); // 10: at the mark
    expect(m.afterWrite()).toBe(true);
    expect(m.needDrain).toBe(true);
    m.flushed([{ data: "abcd" }, { data: "abcd" }]);
    expect(m.bufferedAmount).toBe(10);
    m.written();
    expect(drains).toEqual([0]);
    expect(m.needDrain).toBe(false);
  });

  it("reads what a WebSocket holds, and polls it while over the mark", () => {
    const ws = { buffered: 0 as number | undefined };
    const { m, drains } = meter(100, ws);
    m.queued(new Uint8Array(150));
    m.flushed([{ data: new Uint8Array(150) }]);
    ws.buffered = 151;
    expect(m.afterWrite()).toBe(true);
    m.written();
    jest.advanceTimersByTime(100);
    expect(drains).toEqual([]);
    ws.buffered = 40;
    jest.advanceTimersByTime(20);
    expect(drains).toEqual([40]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("with a mark of 0, every write waits and the drain comes when nothing is held", () => {
    const ws = { buffered: 0 as number | undefined };
    const { m, drains } = meter(0, ws);
    m.queued("x");
    m.flushed([{ data: "x" }]);
    ws.buffered = 2;
    expect(m.afterWrite()).toBe(true);
    m.check();
    expect(drains).toEqual([]);
    ws.buffered = 0;
    m.check();
    expect(drains).toEqual([0]);
  });

  it("reset forgets everything and stops polling", () => {
    const { m, drains } = meter(1, { buffered: 5 });
    m.queued("abc");
    expect(m.afterWrite()).toBe(true);
    m.reset();
    expect(m.needDrain).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    expect(drains).toEqual([]);
  });
});
