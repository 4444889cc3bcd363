// JSONP long-polling (`j`), with raw HTTP: a GET is a script calling ___eio[j] with the payload as
// a safely escaped string, a POST is a form whose `d` field holds the payload.
import vm from "node:vm";
import type { EngineConnectionError } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { rawRequest, startEngine, type EngineFixture } from "./engine-support.js";

let fx: EngineFixture;
afterEach(async () => {
  await fx.cleanup();
});

/** Runs a JSONP answer as a page would, and returns the payload handed to ___eio[index]. */
function payloadOf(script: string, index: number): string {
  const calls: unknown[] = [];
  const ___eio: Array<(payload: unknown) => void> = [];
  ___eio[index] = (payload) => calls.push(payload);
  vm.runInNewContext(script, { ___eio });
  expect(calls).toHaveLength(1);
  return calls[0] as string;
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

describe.each([
  { eio: 3, frame: (p: string) => `${p.length}:${p}` },
  { eio: 4, frame: (p: string) => p },
])("JSONP polling, Engine.IO v$eio", ({ eio, frame }) => {
  async function handshake(j: number): Promise<string> {
    const res = await rawRequest(fx.url, `EIO=${eio}&transport=polling&j=${j}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=UTF-8");
    expect(res.body).toMatch(new RegExp(`^___eio\\[${j}\\]\\(".*"\\);$`));
    const payload = payloadOf(res.body, j);
    const open = eio === 3 ? payload.slice(payload.indexOf(":") + 1) : payload;
    expect(payload).toBe(frame(open));
    return (JSON.parse(open.slice(1)) as { sid: string }).sid;
  }

  it("answers GETs with a script calling ___eio[j], and reads POSTed forms", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const sid = await handshake(2);
    const socket = await connection;
    const messages: unknown[] = [];
    socket.on("message", (data) => messages.push(data));
    const form = new URLSearchParams({ d: frame("4hello world") }).toString();
    const post = await rawRequest(fx.url, `EIO=${eio}&transport=polling&j=2&sid=${sid}`, { method: "POST", body: form, headers: FORM });
    expect(post.status).toBe(200);
    expect(post.body).toBe("ok");
    await waitFor(() => messages.length === 1);
    expect(messages).toEqual(["hello world"]);

    socket.send("back");
    socket.send(Buffer.from([1, 2, 3]));
    const res = await rawRequest(fx.url, `EIO=${eio}&transport=polling&j=2&sid=${sid}`);
    const packets = eio === 3 ? "5:4back" + "6:b4AQID" : "4back\x1ebAQID";
    expect(payloadOf(res.body, 2)).toBe(packets);
  });

  it("undoes the client's newline escapes in the form", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const sid = await handshake(0);
    const socket = await connection;
    const message = once<[string]>(socket, "message");
    // What the 2.x client sends for the text `a<newline>b\n` (a real newline, then backslash-n).
    const text = "4a\nb\\n";
    const escaped = text.replace(/\\n/g, "\\\n").replace(/\n/g, "\\n");
    const form = new URLSearchParams({ d: frame(text).replace(text, escaped) }).toString();
    await rawRequest(fx.url, `EIO=${eio}&transport=polling&j=0&sid=${sid}`, { method: "POST", body: form, headers: FORM });
    expect((await message)[0]).toBe("a\nb\\n");
  });

  it("keeps the script intact whatever the messages hold", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const sid = await handshake(1);
    const socket = await connection;
    const nasty = '</script><script>alert(1)</script><!-- "\\ \u2028\u2029 \n';
    socket.send(nasty);
    const res = await rawRequest(fx.url, `EIO=${eio}&transport=polling&j=1&sid=${sid}`);
    expect(res.body).not.toMatch(/<\/script|<!--/i);
    expect(res.body).not.toMatch(/[\u2028\u2029\n]/);
    expect(payloadOf(res.body, 1)).toBe(frame("4" + nasty));
  });

  it("closes the session on a form without its d field", async () => {
    fx = await startEngine({ allowEIO3: true });
    const connection = fx.nextConnection();
    const sid = await handshake(0);
    const socket = await connection;
    const closed = once<[string]>(socket, "close");
    await rawRequest(fx.url, `EIO=${eio}&transport=polling&j=0&sid=${sid}`, { method: "POST", body: "x=1", headers: FORM });
    expect((await closed)[0]).toBe("parse error");
  });
});

describe("JSONP callback index", () => {
  it.each(["abc", "0);alert(1);//", "-1", "1.5", ""])("refuses j=%j with a 400 before any session exists", async (j) => {
    fx = await startEngine({ allowEIO3: true });
    const errors: EngineConnectionError[] = [];
    fx.engine.on("connection_error", (err: EngineConnectionError) => errors.push(err));
    const res = await rawRequest(fx.url, `EIO=3&transport=polling&j=${encodeURIComponent(j)}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 3, message: "Bad request" });
    expect(errors[0].context).toEqual({ name: "INVALID_JSONP_INDEX", j });
    expect(fx.engine.clientsCount).toBe(0);
  });
});
