import msgpackParser from "socket.io-msgpack-parser";
import type { Socket } from "@switchboard/server";
import { once } from "../support/index.js";
import { connected, startServer, TRANSPORT_MODES, upgraded, type Fixture } from "./server-fixture.js";

describe.each(TRANSPORT_MODES)("custom parser (socket.io-msgpack-parser on both sides) over %s", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({ parser: msgpackParser }, mode);
  });
  afterEach(() => f.close());

  it("exchanges events, binary, acks, broadcasts and middleware errors", async () => {
    f.io.of("/locked").use((_s, next) => next(Object.assign(new Error("locked"), { data: { why: "msgpack" } })));
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client("/", { parser: msgpackParser });
    client.on("ask", (v: number, cb: (r: number) => void) => cb(v + 1));
    await connected(client);
    const [socket] = await conn;
    await upgraded(client, mode);
    socket.on("echo", (v: unknown, cb: (v: unknown) => void) => cb(v));

    const payload = { text: "héllo", n: 1.5, list: [1, "two", null], bin: Buffer.from([1, 2, 3]) };
    const back = (await client.emitWithAck("echo", payload)) as typeof payload;
    expect(back.text).toBe("héllo");
    expect(back.list).toEqual([1, "two", null]);
    expect([...new Uint8Array(back.bin as unknown as ArrayBuffer)]).toEqual([1, 2, 3]);

    expect(await socket.timeout(2000).emitWithAck("ask", 41)).toBe(42);
    const all = once<unknown[]>(client, "news");
    f.io.emit("news", "broadcast", 7);
    expect(await all).toEqual(["broadcast", 7]);

    const locked = f.client("/locked", { parser: msgpackParser });
    const err = await new Promise<Error & { data?: unknown }>((resolve) => locked.once("connect_error", resolve));
    expect(err.message).toBe("locked");
    expect(err.data).toEqual({ why: "msgpack" });
  });
});
