import type { Socket as ClientSocket } from "socket.io-client";
import type { Socket } from "@switchboard/server";
import { waitFor } from "../support/index.js";
import { connected, startServer, TRANSPORT_MODES, upgraded, type Fixture } from "./server-fixture.js";

// Broadcasts in one turn leave a WebSocket as prebuilt frames joined into one write; direct emits,
// binary packets and long payloads in between must keep their place.
describe.each(TRANSPORT_MODES)("a burst of broadcasts over %s", (mode) => {
  let f: Fixture;
  afterEach(() => f.close());

  it("reaches every official client complete and in order, mixed with other packets", async () => {
    f = await startServer({}, mode);
    const sockets: Socket[] = [];
    f.io.on("connection", (socket) => sockets.push(socket));
    const clients: ClientSocket[] = [f.client(), f.client()];
    await Promise.all(clients.map((c) => connected(c)));
    await Promise.all(clients.map((c) => upgraded(c, mode)));
    await waitFor(() => sockets.length === 2);

    const got = clients.map(() => [] as string[]);
    clients.forEach((c, i) => {
      c.on("b", (n: number, text: string) => got[i].push(`b${n}:${text.length}`));
      c.on("direct", (n: number) => got[i].push(`d${n}`));
      c.on("bin", (buf: ArrayBuffer) => got[i].push(`bin${new Uint8Array(buf).length}`));
    });
    const long = "é".repeat(40000); // 80,000 bytes of UTF-8: a frame with a 64-bit length
    const expected: string[] = [];
    for (let n = 0; n < 200; n++) {
      const text = n % 50 === 0 ? long : "x".repeat(n);
      f.io.emit("b", n, text);
      expected.push(`b${n}:${text.length}`);
      if (n % 40 === 7) {
        for (const s of sockets) s.emit("direct", n);
        expected.push(`d${n}`);
      }
      if (n === 99) {
        f.io.emit("bin", Buffer.alloc(300));
        expected.push("bin300");
      }
    }
    await waitFor(() => got.every((list) => list.length >= expected.length), 10000, "every packet");
    for (const list of got) expect(list).toEqual(expected);
  });
});
