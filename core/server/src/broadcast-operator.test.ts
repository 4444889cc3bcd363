import { PacketType, type Packet } from "@switchboard/protocol";
import type { Adapter } from "./adapter/index.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { BroadcastOptions } from "./server-types.js";

/** Records what the operator hands to the adapter; acks are answered by the test. */
class RecordingAdapter {
  broadcasts: Array<{ packet: Packet; opts: BroadcastOptions }> = [];
  ackCallbacks: Array<(...args: unknown[]) => void> = [];
  clients = 2;
  broadcast(packet: Packet, opts: BroadcastOptions) {
    this.broadcasts.push({ packet, opts });
  }
  broadcastWithAck(packet: Packet, opts: BroadcastOptions, count: (n: number) => void, ack: (...args: unknown[]) => void) {
    this.broadcasts.push({ packet, opts });
    this.ackCallbacks.push(ack);
    count(this.clients);
  }
  serverCount() {
    return Promise.resolve(1);
  }
}

function operator() {
  const adapter = new RecordingAdapter();
  return { adapter, op: new BroadcastOperator(adapter as unknown as Adapter) };
}

describe("BroadcastOperator", () => {
  it("returns a new operator for every modifier and passes rooms, exclusions and flags", () => {
    const { adapter, op } = operator();
    const red = op.to("red");
    const narrowed = red.to(["blue", "green"]).except("x").volatile.compress(false).local.timeout(50);
    expect(red).not.toBe(op);
    narrowed.emit("ev", 1);
    red.emit("ev", 2);
    expect(adapter.broadcasts[0].opts.rooms).toEqual(new Set(["red", "blue", "green"]));
    expect(adapter.broadcasts[0].opts.except).toEqual(new Set(["x"]));
    expect(adapter.broadcasts[0].opts.flags).toEqual({ volatile: true, compress: false, local: true, timeout: 50 });
    expect(adapter.broadcasts[1].opts.rooms).toEqual(new Set(["red"]));
    expect(adapter.broadcasts[1].opts.flags).toEqual({});
    expect(adapter.broadcasts[1].packet).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["ev", 2] });
  });

  it("throws on reserved names", () => {
    const { op } = operator();
    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      expect(() => op.emit(name)).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));
    }
  });

  it("calls the ack once every recipient answered", async () => {
    const { adapter, op } = operator();
    const result = op.timeout(1000).emitWithAck("q");
    await Promise.resolve();
    adapter.ackCallbacks[0]("a");
    adapter.ackCallbacks[0]("b");
    expect(await result).toEqual(["a", "b"]);
  });

  it("fails with the responses so far on timeout", async () => {
    const { adapter, op } = operator();
    const done = new Promise<unknown[]>((resolve) => op.timeout(20).emit("q", (...args: unknown[]) => resolve(args)));
    adapter.ackCallbacks[0]("only one");
    const [err, responses] = await done;
    expect((err as Error).message).toBe("operation has timed out");
    expect(responses).toEqual(["only one"]);
  });
});
