import { describe, expect, it } from "@jest/globals";
import { Adapter } from "../adapter/index.js";
import { closeFrameworkServer } from "./close-framework-server.js";
import { createFrameworkServer } from "./framework-server.js";

/** The in-memory adapter, counting how often it is closed. */
class CountingAdapter extends Adapter {
  static closes = 0;

  override close(): void {
    CountingAdapter.closes++;
  }
}

describe("closeFrameworkServer", () => {
  it("stops the upgrades and closes the Server with its adapters, once whoever asks", async () => {
    const framework = createFrameworkServer({ adapter: CountingAdapter });
    framework.io.of("/admin");
    let stops = 0;
    const stopUpgrades = () => void stops++;

    const first = closeFrameworkServer(framework, { stopUpgrades });
    const second = closeFrameworkServer(framework, { stopUpgrades });
    expect(second).toBe(first);
    await first;

    expect(stops).toBe(1);
    // "/" and "/admin".
    expect(CountingAdapter.closes).toBe(2);
    await closeFrameworkServer(framework, { stopUpgrades });
    expect({ stops, closes: CountingAdapter.closes }).toEqual({ stops: 1, closes: 2 });
  });
});
