import { describe, expect, it } from "@jest/globals";
import { describeTransportFailure } from "./transport-failure.js";

describe("describeTransportFailure", () => {
  const url = "http://localhost:3000/socket.io/?EIO=4&transport=polling";

  it("names the path on a 404, and the engine error's meaning on a 400", () => {
    expect(describeTransportFailure({ transport: "polling", url, status: 404 })).toEqual({
      status: 404,
      hint: expect.stringContaining("nothing answers on /socket.io/ at http://localhost:3000: check the `path` option"),
    });
    const unknownSession = describeTransportFailure({ transport: "polling", url, status: 400, body: '{"code":1,"message":"Session ID unknown"}' });
    expect(unknownSession.hint).toMatch(/sticky sessions/);
    expect(describeTransportFailure({ transport: "polling", url, status: 400, body: '{"code":5,"message":"Unsupported protocol version"}' }).hint).toMatch(
      /allowEIO3/,
    );
    expect(describeTransportFailure({ transport: "polling", url, status: 502 }).hint).toMatch(/^HTTP 502: the server at http:\/\/localhost:3000 failed/);
  });

  it("reads the status ws reports for a refused upgrade, and Node's error codes", () => {
    const ws = "ws://localhost:3000/socket.io/?EIO=4&transport=websocket";
    expect(describeTransportFailure({ transport: "websocket", url: ws, error: { error: new Error("Unexpected server response: 404") } }).status).toBe(404);
    expect(
      describeTransportFailure({
        transport: "websocket",
        url: ws,
        error: { error: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) },
      }).hint,
    ).toBe("nothing listens at ws://localhost:3000: is the server running, on that host and port?");
    expect(describeTransportFailure({ transport: "websocket", url: ws, error: {} }).hint).toMatch(/browsers give no detail/);
  });
});
