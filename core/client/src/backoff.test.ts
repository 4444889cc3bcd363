import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  test("grows exponentially up to max, without jitter", () => {
    const b = new Backoff({ min: 100, max: 1000 });
    expect([b.duration(), b.duration(), b.duration(), b.duration(), b.duration()]).toEqual([100, 200, 400, 800, 1000]);
    expect(b.attempts).toBe(5);
    b.reset();
    expect(b.duration()).toBe(100);
  });

  test("jitter stays within the randomization factor", () => {
    const b = new Backoff({ min: 1000, max: 100000, jitter: 0.5 });
    for (let attempt = 0; attempt < 5; attempt++) {
      const base = 1000 * 2 ** attempt;
      const d = b.duration();
      expect(d).toBeGreaterThanOrEqual(base * 0.5);
      expect(d).toBeLessThanOrEqual(base * 1.5);
    }
  });
});
