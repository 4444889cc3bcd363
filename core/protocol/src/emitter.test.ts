import { jest } from "@jest/globals";
import { Emitter } from "@switchboard/protocol";

describe("Emitter", () => {
  it("calls listeners synchronously, in registration order, with every argument", () => {
    const e = new Emitter();
    const calls: string[] = [];
    e.on("x", (a: number, b: string) => calls.push(`first ${a} ${b}`));
    e.addEventListener("x", (a: number) => calls.push(`second ${a}`));
    expect(e.emit("x", 1, "y")).toBe(true);
    expect(calls).toEqual(["first 1 y", "second 1"]);
  });

  it("returns false when nobody listens and binds this to the emitter", () => {
    const e = new Emitter();
    expect(e.emit("none")).toBe(false);
    let self: unknown;
    e.on("x", function (this: unknown) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the test is about what `this` is
      self = this;
    });
    e.emit("x");
    expect(self).toBe(e);
  });

  it("runs once listeners a single time and lets off() remove them by the original function", () => {
    const e = new Emitter();
    const fn = jest.fn();
    e.once("x", fn);
    e.emit("x", 1);
    e.emit("x", 2);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(1);
    const later = jest.fn();
    e.once("y", later);
    expect(e.listeners("y")).toEqual([later]);
    e.off("y", later);
    expect(e.emit("y")).toBe(false);
    expect(later).not.toHaveBeenCalled();
  });

  it("does not skip a neighbour when a listener removes itself during emit", () => {
    const e = new Emitter();
    const calls: number[] = [];
    e.once("x", () => calls.push(1));
    e.on("x", () => calls.push(2));
    e.emit("x");
    e.emit("x");
    expect(calls).toEqual([1, 2, 2]);
  });

  it("removes one occurrence, all listeners of an event, or everything", () => {
    const e = new Emitter();
    const a = jest.fn();
    const b = jest.fn();
    e.on("x", a).on("x", a).on("x", b).on("y", b).on("z", a);
    e.off("x", a);
    expect(e.listenerCount("x")).toBe(2);
    e.removeListener("x", a);
    expect(e.listeners("x")).toEqual([b]);
    e.removeEventListener("x");
    expect(e.hasListeners("x")).toBe(false);
    expect(e.hasListeners("y")).toBe(true);
    e.removeAllListeners("y");
    expect(e.hasListeners("y")).toBe(false);
    e.off("unknown", a);
    e.removeAllListeners();
    expect(e.emit("z")).toBe(false);
  });

  it("supports symbol event names and emitReserved", () => {
    const e = new Emitter();
    const sym = Symbol("s");
    const fn = jest.fn();
    e.on(sym, fn);
    expect(e.emitReserved(sym, "v")).toBe(true);
    expect(fn).toHaveBeenCalledWith("v");
  });

  it("keeps listeners of names such as __proto__ and constructor apart from Object.prototype", () => {
    const e = new Emitter();
    const fn = jest.fn();
    expect(e.emit("__proto__")).toBe(false);
    expect(e.emit("constructor")).toBe(false);
    e.on("__proto__", fn);
    expect(e.emit("__proto__", 1)).toBe(true);
    expect(fn).toHaveBeenCalledWith(1);
    expect(({} as Record<string, unknown>).length).toBeUndefined();
  });

  it("lets a listener's exception propagate to the emitter of the event", () => {
    const e = new Emitter();
    e.on("x", () => {
      throw new Error("boom");
    });
    expect(() => e.emit("x")).toThrow("boom");
  });
});
