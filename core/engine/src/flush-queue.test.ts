import { scheduleFlush, type Flushable } from "./flush-queue.js";

function target(onFlush: () => void = () => undefined): Flushable & { flushes: number } {
  return {
    flushQueued: false,
    flushes: 0,
    flush() {
      this.flushes++;
      onFlush();
    },
  };
}

describe("scheduleFlush", () => {
  it("flushes each target once per turn, however often it is scheduled", async () => {
    const a = target();
    const b = target();
    for (let i = 0; i < 5; i++) {
      scheduleFlush(a);
      scheduleFlush(b);
    }
    expect(a.flushes).toBe(0);
    await new Promise((resolve) => process.nextTick(resolve));
    expect([a.flushes, b.flushes]).toEqual([1, 1]);
    expect(a.flushQueued).toBe(false);
  });

  it("serves targets scheduled during a flush in the same pass", async () => {
    const late = target();
    const early = target(() => scheduleFlush(late));
    scheduleFlush(early);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(late.flushes).toBe(1);
  });
});
