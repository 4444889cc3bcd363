/**
 * The end-to-end hostile-input run, shared by the Jest suite (bounded) and `npm run fuzz` (long):
 * our Server on a loopback port, official socket.io-client canaries (WebSocket and polling) asking
 * for acks in a loop, and many raw hostile sessions sending malformed Engine.IO / Socket.IO input
 * at the same time. Checked: every malformed session is closed by the server, canaries get every
 * ack, nothing escapes as an uncaught exception or unhandled rejection.
 *
 * The server, `ws` and the official client are passed in: Jest hands over the sources, the CLI
 * the built packages (it runs this file bundled in memory, where bare imports cannot resolve).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server as ServerClass } from "@switchboard/server";
import type { io as ioFunction } from "socket.io-client";
import { mulberry32, type Protocol } from "../fuzz/fuzz-inputs.js";
import { waitFor } from "../support/wait.js";
import { HOSTILE_MAX_PAYLOAD, hostileSession, type HostileSession, type PollStep, type WsStep } from "./hostile-inputs.js";
import { openRawPolling, openRawWebSocket, within, type WebSocketClass } from "./raw-peers.js";

export interface HostileDeps {
  protocol: Protocol;
  Server: typeof ServerClass;
  WebSocket: WebSocketClass;
  ioc: typeof ioFunction;
}

export interface HostileOptions {
  sessions: number;
  seed: number;
  /** Hostile sessions open at once. */
  concurrency?: number;
  /** Share of sessions over polling (the rest over WebSocket). */
  pollingShare?: number;
  /** Called every few seconds with the sessions done so far (the CLI prints progress). */
  onProgress?: (done: number) => void;
}

export interface HostileReport {
  sessions: { websocket: number; polling: number };
  expected: { malformed: number; ended: number; valid: number };
  /** Engine sessions closed, by the reason the server gave (`transport close`: the peer left). */
  serverCloses: Record<string, number>;
  /** Sessions the server closed itself (every reason but `transport close`). */
  shed: number;
  canary: { sent: number; acked: number; failures: string[] };
  /** Property violations (a malformed session left open, a session that never ended, ...). */
  violations: string[];
  /** Uncaught exceptions and unhandled rejections seen during the run. */
  uncaught: string[];
  seconds: number;
}

const SETTLE_MS = 10_000;

/** Keeps one official client busy with acknowledged emits until `stop` is called. */
function startCanary(ioc: typeof ioFunction, url: string, transport: "websocket" | "polling", report: HostileReport) {
  const socket = ioc(url, { transports: [transport], forceNew: true, reconnection: false });
  let stopped = false;
  const loop = (async () => {
    await within(new Promise<void>((resolve) => socket.once("connect", () => resolve())), SETTLE_MS, undefined);
    if (!socket.connected) {
      report.canary.failures.push(`${transport} canary did not connect`);
      return;
    }
    while (!stopped) {
      const n = report.canary.sent++;
      try {
        const answer: unknown = await socket.timeout(SETTLE_MS).emitWithAck("canary", n);
        if (answer === n) report.canary.acked++;
        else report.canary.failures.push(`${transport} canary ack ${n} answered ${JSON.stringify(answer)}`);
      } catch (err) {
        report.canary.failures.push(`${transport} canary ack ${n}: ${(err as Error).message}`);
        return;
      }
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    socket.disconnect();
  };
}

async function runWebSocket(deps: HostileDeps, url: string, session: HostileSession, report: HostileReport): Promise<void> {
  const peer = await openRawWebSocket(deps.WebSocket, url);
  for (const step of session.steps as WsStep[]) {
    if ("text" in step) peer.send(step.text);
    else if ("binary" in step) peer.send(step.binary);
    else peer.writeRaw(step.raw);
  }
  await finish(session, report, peer.closed, () => peer.ws.close());
}

async function runPolling(url: string, session: HostileSession, report: HostileReport): Promise<void> {
  const peer = await openRawPolling(url);
  for (const step of session.steps as PollStep[]) await peer.post(step.body, step.headers);
  // Still open and allowed to be: leave politely with a close packet (refused if already closed).
  await finish(session, report, peer.closed, () => void peer.post("1"));
}

/** A malformed or ended session must be closed by the server; a valid one is closed by us. */
async function finish(session: HostileSession, report: HostileReport, closed: Promise<unknown>, leave: () => void): Promise<void> {
  if (session.expect === "valid") leave();
  const done = await within(
    closed.then(() => true),
    SETTLE_MS,
    false,
  );
  if (done) return;
  const steps = JSON.stringify(session.steps).slice(0, 300);
  report.violations.push(`${session.transport} session (${session.label}, ${session.expect}) still open after ${SETTLE_MS} ms: ${steps}`);
  leave();
}

/** Runs the hostile sessions against a fresh server and reports what happened. */
export async function runHostileSessions(deps: HostileDeps, opts: HostileOptions): Promise<HostileReport> {
  const report: HostileReport = {
    sessions: { websocket: 0, polling: 0 },
    expected: { malformed: 0, ended: 0, valid: 0 },
    serverCloses: {},
    shed: 0,
    canary: { sent: 0, acked: 0, failures: [] },
    violations: [],
    uncaught: [],
    seconds: 0,
  };
  const onUncaught = (err: unknown) => report.uncaught.push(`uncaught: ${(err as Error)?.stack ?? String(err)}`);
  const onRejection = (err: unknown) => report.uncaught.push(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`);
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onRejection);

  const http = createServer();
  const io = new deps.Server(http, { maxHttpBufferSize: HOSTILE_MAX_PAYLOAD, connectTimeout: 30_000 });
  io.engine.on("connection", (conn) => {
    conn.on("close", (reason: string) => {
      report.serverCloses[reason] = (report.serverCloses[reason] ?? 0) + 1;
    });
  });
  io.on("connection", (socket) => {
    socket.on("canary", (n: unknown, ack: unknown) => {
      if (typeof ack === "function") ack(n);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const started = performance.now();
  const stopCanaries = [startCanary(deps.ioc, url, "websocket", report), startCanary(deps.ioc, url, "polling", report)];

  const rng = mulberry32(opts.seed);
  const pollingShare = opts.pollingShare ?? 0.3;
  let next = 0;
  let done = 0;
  let lastProgress = started;
  const worker = async () => {
    while (next < opts.sessions) {
      const index = next++;
      const session = hostileSession(deps.protocol, rng, rng() < pollingShare ? "polling" : "websocket");
      report.sessions[session.transport]++;
      report.expected[session.expect]++;
      try {
        if (session.transport === "websocket") await runWebSocket(deps, url, session, report);
        else await runPolling(url, session, report);
      } catch (err) {
        report.violations.push(`session ${index} (${session.transport}, ${session.label}) failed to run: ${(err as Error).message}`);
      }
      done++;
      if (opts.onProgress && performance.now() - lastProgress > 5000) {
        lastProgress = performance.now();
        opts.onProgress(done);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  for (const stop of stopCanaries) await stop();
  report.seconds = (performance.now() - started) / 1000;

  // Every hostile session ended: only the canaries may remain, and they are leaving.
  await waitFor(() => io.engine.clientsCount === 0, SETTLE_MS, "every session to close").catch(() => {
    report.violations.push(`${io.engine.clientsCount} engine sessions left open after the run`);
  });
  report.shed = Object.entries(report.serverCloses).reduce((sum, [reason, n]) => (reason === "transport close" ? sum : sum + n), 0);
  await io.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onRejection);
  return report;
}
