import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { EngineSocket } from "@switchboard/client";
import { closeServer, listen, once, waitFor } from "../support/index.js";

/**
 * The upgrade as the client drives it, against a scripted Engine.IO peer: the test decides when
 * each poll is answered and when `3probe` goes out, so every ordering below is fixed, not raced.
 */
interface ScriptedPeer {
  url: string;
  /** Every request and frame the peer saw, in order: "GET", "POST <body>", "ws <frame>". */
  log: string[];
  /** Answers the pending GET, once there is one. */
  answerPoll(payload: string): Promise<void>;
  /** Sees each GET after the handshake: true when it answered it, false leaves it pending. */
  onPoll: (res: ServerResponse) => boolean;
  ws(): WebSocket;
  onFrame: (frame: string) => void;
  close(): Promise<void>;
}

const HANDSHAKE = `0${JSON.stringify({ sid: "scripted", upgrades: ["websocket"], pingInterval: 60000, pingTimeout: 60000, maxPayload: 1e6 })}`;

async function scriptedPeer(): Promise<ScriptedPeer> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  let pending: ServerResponse | undefined;
  let onPending: (() => void) | undefined;
  let socket: WebSocket | undefined;
  const answer = (res: ServerResponse, payload: string) => res.writeHead(200, { "content-type": "text/plain" }).end(payload);
  const peer: ScriptedPeer = {
    url: "",
    log: [],
    async answerPoll(payload) {
      if (!pending) await new Promise<void>((resolve) => (onPending = resolve));
      const res = pending!;
      pending = undefined;
      answer(res, payload);
    },
    onPoll: () => false,
    ws: () => socket!,
    onFrame: () => {},
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closeServer(http);
    },
  };
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const sid = new URL(req.url!, "http://x").searchParams.get("sid");
    if (req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        peer.log.push(`POST ${body}`);
        answer(res, "ok");
      });
      return;
    }
    if (!sid) return answer(res, HANDSHAKE);
    peer.log.push("GET");
    if (peer.onPoll(res)) return;
    pending = res;
    onPending?.();
    onPending = undefined;
  });
  http.on("upgrade", (req: IncomingMessage, sock: Duplex, head: Buffer) =>
    wss.handleUpgrade(req, sock, head, (ws) => {
      socket = ws;
      ws.on("message", (data) => {
        peer.log.push(`ws ${String(data)}`);
        peer.onFrame(String(data));
      });
    }),
  );
  peer.url = (await listen(http)).url;
  return peer;
}

describe("EngineSocket upgrade against a scripted peer", () => {
  let peer: ScriptedPeer;
  let client: EngineSocket | undefined;

  beforeEach(async () => {
    peer = await scriptedPeer();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await peer.close();
  });

  /** The GET pending when `2probe` arrives is answered; once the client handled it, `then` runs. */
  function answerPollDuringProbe(then: () => void): void {
    peer.onFrame = (frame) => {
      if (frame !== "2probe") return;
      client!.once("message", () => setImmediate(then));
      void peer.answerPoll("4hello");
    };
  }

  test("no GET leaves while the probe awaits its answer, and the switch follows 3probe at once", async () => {
    // A GET sent after `2probe` gets a noop at once (a real server holds it until its next noop
    // cycle), so a client that sends one still upgrades, and the log shows the GET.
    peer.onPoll = (res) => {
      if (!peer.log.includes("ws 2probe")) return false;
      res.writeHead(200).end("6");
      return true;
    };
    answerPollDuringProbe(() => peer.ws().send("3probe"));
    client = new EngineSocket(peer.url);
    const [transport] = await once<[{ name: string }]>(client, "upgrade");
    expect(transport.name).toBe("websocket");
    await waitFor(() => peer.log.includes("ws 5"), 5000, "the upgrade packet");
    expect(peer.log.slice(peer.log.indexOf("ws 2probe"))).toEqual(["ws 2probe", "ws 5"]);
    client.send("over the websocket");
    await waitFor(() => peer.log.includes("ws 4over the websocket"), 5000, "a message over the WebSocket");
    expect(peer.log.filter((l) => l === "GET")).toHaveLength(1);
  });

  test("a probe closed without an answer: polling picks up where the hold left it", async () => {
    answerPollDuringProbe(() => peer.ws().close());
    client = new EngineSocket(peer.url);
    const [err] = await once<[Error]>(client, "upgradeError");
    expect(err.message).toBe("probe error: transport closed");
    void peer.answerPoll("4still polling");
    expect(await once(client, "message")).toEqual(["still polling"]);
    expect(client.transport.name).toBe("polling");
    expect(client.readyState).toBe("open");
  });

  test("a probe that fails after its answer, while polling pauses: polling resumes and writes go out", async () => {
    peer.onFrame = (frame) => {
      if (frame === "2probe") peer.ws().send("3probe");
    };
    client = new EngineSocket(peer.url);
    await once(client, "upgrading");
    // Pausing waits for the pending GET; the probe's WebSocket dies meanwhile.
    const failed = once<[Error]>(client, "upgradeError");
    peer.ws().close();
    await failed;
    client.send("written after the failed upgrade");
    void peer.answerPoll("4hello");
    expect(await once(client, "message")).toEqual(["hello"]);
    await waitFor(() => peer.log.includes("POST 4written after the failed upgrade"), 5000, "the buffered write");
    void peer.answerPoll("4still polling");
    expect(await once(client, "message")).toEqual(["still polling"]);
    expect(client.transport.name).toBe("polling");
  });
});
