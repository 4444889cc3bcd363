import { workerIdOfRequest } from "./sticky-cluster.js";

const line = (target: string) => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`;

describe("workerIdOfRequest", () => {
  it("reads the worker from a raw `~` in the sid", () => {
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&transport=polling&sid=12~abc"))).toBe(12);
    expect(workerIdOfRequest(`POST /socket.io/?sid=3~Hk2-_x&EIO=4&transport=polling HTTP/1.1\r\n`)).toBe(3);
  });

  it("reads it from a percent-encoded `~`, as a client building its query with URLSearchParams sends it", () => {
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&transport=polling&t=Pabc&sid=4%7EHk2-_x"))).toBe(4);
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&transport=websocket&sid=4%7eHk2"))).toBe(4);
    // Anything percent-encoded decodes as the engine decodes it, digits and key included.
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&%73id=%31%32%7Eabc"))).toBe(12);
  });

  it("takes the sid the engine will take when it is given twice (the last)", () => {
    expect(workerIdOfRequest(line("/socket.io/?sid=1~a&EIO=4&sid=2%7Eb"))).toBe(2);
  });

  it("finds no worker without a sid, or with a sid no worker made", () => {
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&transport=polling"))).toBeUndefined();
    expect(workerIdOfRequest(line("/socket.io/"))).toBeUndefined();
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&sid=Hk2abc"))).toBeUndefined();
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&sid=~abc"))).toBeUndefined();
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&mysid=3~abc"))).toBeUndefined();
    expect(workerIdOfRequest(line("/socket.io/?EIO=4&sid=99999999999999999999~abc"))).toBeUndefined();
    // Only the request line counts, not a header that happens to hold a sid.
    expect(workerIdOfRequest("GET /socket.io/?EIO=4 HTTP/1.1\r\nReferer: http://x/?sid=3~abc\r\n\r\n")).toBeUndefined();
  });

  it("never throws on malformed input", () => {
    const malformed = [
      "",
      "\r\n",
      "GET",
      "GET /socket.io/?sid=4%7",
      "GET /socket.io/?sid=4%E0%A4%A HTTP/1.1\r\n",
      "GET /socket.io/?sid=%%%7E HTTP/1.1\r\n",
      "GET /socket.io/?sid=4%ZZabc HTTP/1.1\r\n",
      "GET /socket.io/?sid=4%7 HTTP/1.1\r\n",
      "GET /socket.io/?sid=%FF%FE%7E HTTP/1.1\r\n",
      "\x00\x01\x02 \xff\xfe?sid=\ud800 \r\n",
      "GET  /socket.io/?sid=4~a HTTP/1.1\r\n",
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ];
    for (const head of malformed) expect(() => workerIdOfRequest(head)).not.toThrow();
    expect(workerIdOfRequest("GET /socket.io/?sid=4%ZZabc HTTP/1.1\r\n")).toBeUndefined();
    expect(workerIdOfRequest("GET /socket.io/?sid=4%7 HTTP/1.1\r\n")).toBeUndefined();
  });

  it("reads a first line the primary received without its end", () => {
    expect(workerIdOfRequest("GET /socket.io/?EIO=4&transport=polling&sid=7%7EHk2")).toBe(7);
  });
});
