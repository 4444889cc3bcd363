import { ListenerList } from "./listener-list.js";

describe("ListenerList", () => {
  it("calls listeners in order with the given this, prepend first", () => {
    const list = new ListenerList();
    const calls: string[] = [];
    const self = { name: "socket" };
    list.add(function (this: typeof self, ev: string, n: number) {
      calls.push(`b:${this.name}:${ev}:${n}`);
    });
    list.prepend((ev: string) => calls.push(`a:${ev}`));
    list.call(self, ["event", 1]);
    expect(calls).toEqual(["a:event", "b:socket:event:1"]);
    expect(list.list()).toHaveLength(2);
  });

  it("removes one listener, or all, and lets a listener remove itself while called", () => {
    const list = new ListenerList();
    const calls: string[] = [];
    const once = () => {
      calls.push("once");
      list.remove(once);
    };
    const always = () => calls.push("always");
    list.add(once);
    list.add(always);
    list.call(null, []);
    list.call(null, []);
    expect(calls).toEqual(["once", "always", "always"]);
    list.remove(() => {}); // not in the list: no change
    expect(list.list()).toEqual([always]);
    list.remove();
    expect(list.list()).toEqual([]);
  });
});
