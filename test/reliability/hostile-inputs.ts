/**
 * What a hostile session sends, and what the server must make of it. Sessions are drawn from the
 * fuzz generators (fuzz-inputs.ts) plus attacks only a real socket can carry (bad WebSocket
 * frames, wrong content types, oversized bodies). The expected outcome is computed with the same
 * decoders the server uses, replaying the session's frames locally.
 */
import type { Protocol, Rng } from "../fuzz/fuzz-inputs.js";
import { engineInput, pick, socketSequence } from "../fuzz/fuzz-inputs.js";
import { wsFrame } from "./raw-peers.js";

export type HostileTransport = "websocket" | "polling";

/** One frame of a WebSocket session: text, binary, or raw bytes written under `ws`. */
export type WsStep = { text: string } | { binary: Uint8Array } | { raw: Uint8Array };

/** One POST of a polling session. */
export interface PollStep {
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

/**
 * - `malformed`: some input is invalid: the server must close the session.
 * - `ended`: valid input that ends the session (a close packet, a client ping).
 * - `valid`: the session may stay open; the hostile peer closes it itself.
 */
export type Expectation = "malformed" | "ended" | "valid";

export interface HostileSession {
  transport: HostileTransport;
  label: string;
  steps: WsStep[] | PollStep[];
  expect: Expectation;
}

/**
 * Replays engine frames (or polling payloads) through the decoders the way the server does:
 * engine decode, then Socket.IO decode of every message, stopping at the first failure.
 */
export function expectationOf(protocol: Protocol, frames: ReadonlyArray<string | Uint8Array>, payloads: boolean): Expectation {
  const decoder = new protocol.Decoder();
  decoder.on("decoded", () => undefined);
  for (const frame of frames) {
    let packets: ReturnType<Protocol["decodeEnginePayload"]>;
    try {
      packets = payloads ? protocol.decodeEnginePayload(frame as string) : [protocol.decodeEnginePacket(frame)];
    } catch {
      return "malformed";
    }
    for (const packet of packets) {
      if (packet.type === "close" || packet.type === "ping") return "ended";
      if (packet.type !== "message") continue;
      try {
        decoder.add(packet.data);
      } catch {
        return "malformed";
      }
    }
  }
  return "valid";
}

/** What a text WebSocket frame becomes on the server: UTF-8 encoded then decoded by `ws`. */
const overTheWire = (text: string): string => Buffer.from(text, "utf8").toString("utf8");

/** A fuzzed Socket.IO chunk sequence as engine messages, after a CONNECT to the main namespace. */
function socketMessages(rng: Rng): Array<string | Uint8Array> {
  const out: Array<string | Uint8Array> = ["40"];
  for (const chunk of socketSequence(rng)) {
    if (typeof chunk === "string") out.push("4" + chunk);
    else if (chunk instanceof Uint8Array) out.push(chunk);
    else if (chunk instanceof ArrayBuffer) out.push(new Uint8Array(chunk));
  }
  return out;
}

const MAX_PAYLOAD = 100_000;
const INVALID_UTF8 = Uint8Array.from([0x34, 0x32, 0x5b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x5d]);

/** Attacks on the WebSocket framing itself; `ws` rejects each, so the session must close. */
const WS_FRAME_ATTACKS: ReadonlyArray<readonly [string, () => Uint8Array]> = [
  ["RSV2/RSV3 bits set", () => wsFrame(0x1, Buffer.from('42["x"]'), { rsv: 0b011 })],
  ["invalid UTF-8 in a text frame", () => wsFrame(0x1, INVALID_UTF8)],
  ["reserved opcode", () => wsFrame(0x3, Buffer.from("4x"))],
  ["frame over maxPayload", () => wsFrame(0x1, Buffer.alloc(MAX_PAYLOAD + 1, 0x34))],
  ["fragmented control frame", () => wsFrame(0x9, Buffer.from("ping"), { fin: false })],
];

/**
 * Attacks on the polling POST itself (CVE-2026-59725, CVE-2020-36048 classes). `refused` marks
 * bodies the transport must refuse whatever they hold; the others go through the decoders.
 */
const POLL_BODY_ATTACKS: ReadonlyArray<readonly [string, () => PollStep, boolean]> = [
  ["octet-stream body", () => ({ body: Buffer.from("4hello"), headers: { "content-type": "application/octet-stream" } }), true],
  ["body over maxHttpBufferSize", () => ({ body: "4" + "x".repeat(MAX_PAYLOAD) }), true],
  ["invalid base64 record", () => ({ body: "b!!!not base64" }), false],
  ["truncated base64 record", () => ({ body: "bAQI" }), false],
  ["invalid UTF-8 body", () => ({ body: INVALID_UTF8 }), false],
  ["empty body", () => ({ body: "" }), false],
];

/** The `maxHttpBufferSize` the hostile server runs with (small, so oversized input is cheap). */
export const HOSTILE_MAX_PAYLOAD = MAX_PAYLOAD;

/** Draws one hostile session. */
export function hostileSession(protocol: Protocol, rng: Rng, transport: HostileTransport): HostileSession {
  const r = rng();
  if (transport === "websocket") {
    if (r < 0.1) {
      const [label, build] = pick(rng, WS_FRAME_ATTACKS);
      return { transport, label, steps: [{ text: "40" }, { raw: build() }], expect: "malformed" };
    }
    const frames: Array<string | Uint8Array> = r < 0.6 ? socketMessages(rng) : [engineInput(rng).input];
    const wire = frames.map((f) => (typeof f === "string" ? overTheWire(f) : f));
    const steps: WsStep[] = wire.map((f) => (typeof f === "string" ? { text: f } : { binary: f }));
    return { transport, label: r < 0.6 ? "socket.io frames" : "engine.io frame", steps, expect: expectationOf(protocol, wire, false) };
  }
  if (r < 0.15) {
    const [label, build, refused] = pick(rng, POLL_BODY_ATTACKS);
    const step = build();
    const text = typeof step.body === "string" ? step.body : Buffer.from(step.body).toString("utf8");
    return { transport, label, steps: [step], expect: refused ? "malformed" : expectationOf(protocol, [text], true) };
  }
  let payload: string;
  if (r < 0.6) {
    // A whole socket sequence in one payload; binary attachments as base64 records.
    payload = socketMessages(rng)
      .map((m) => (typeof m === "string" ? m : "b" + Buffer.from(m).toString("base64")))
      .join("\x1e");
  } else {
    const { input } = engineInput(rng);
    payload = typeof input === "string" ? input : "b" + Buffer.from(input).toString("base64");
    if (payload === "") payload = pick(rng, ["4", "6", "3"]);
  }
  const wire = overTheWire(payload);
  return { transport, label: r < 0.6 ? "socket.io payload" : "engine.io payload", steps: [{ body: payload }], expect: expectationOf(protocol, [wire], true) };
}
