import { eventually, sleep, waitFor } from "../support/index.js";
import { buildDist } from "../redis/node-process.js";
import { sequenceFaults, type TrackedClient } from "./cluster-clients.js";
import { HEARTBEAT_TIMEOUT, startCluster, type RemoteSocketInfo, type StreamsCluster, type Timed } from "./streams-cluster.js";

// Three server processes with the Redis Streams adapter and connection state recovery on a real
// redis-server, twelve clients (socket.io-client and @switchboard/client) spread over them, and a
// numbered room broadcast from node a (plus an io.to(<socket id>) sequence to every client) while
// a node or Redis fails. Every client must end with 0..n-1 of both sequences, once each, in order.

/** Process scheduling and IPC on a loaded 2-core CI machine, on top of `heartbeatTimeout`. */
const SLACK_MS = 500;

let cluster: StreamsCluster | undefined;

beforeAll(() => {
  if (process.env.STREAMS_SERVER !== "socketio") buildDist(["adapters/redis-streams"]);
}, 120_000);

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
}, 30_000);

const last = (list: number[]) => (list.length === 0 ? -1 : list[list.length - 1]);

/** Waits until every client has received `more` numbers past the one node a is about to send. */
async function advance(c: StreamsCluster, more = 20): Promise<void> {
  const target = (await c.nodes[0].call<number>("seqNext")) + more;
  await waitFor(() => c.clients.every((client) => last(client.seq) >= target), 20_000, `every client past message ${target}`);
}

/** Stops the sequence, waits for its fence on every client and checks both sequences are whole. */
async function finish(c: StreamsCluster): Promise<number> {
  const count = await c.nodes[0].call<number>("stopSeq");
  await waitFor(() => c.clients.every((client) => client.fence === count), 20_000, `the fence after message ${count - 1}`);
  const whole = { lost: 0, duplicated: 0, outOfOrder: 0 };
  const report = (client: TrackedClient, i: number) => ({
    client: `${i} ${client.kind} (home ${"abc"[client.home]})`,
    seq: sequenceFaults(client.seq, count),
    direct: sequenceFaults(client.direct, count),
  });
  const faults = c.clients.map(report);
  expect(faults).toEqual(faults.map((f) => ({ ...f, seq: whole, direct: whole })));
  return count;
}

/** Starts the sequence from node a and lets every client receive some of it. */
async function startSequence(c: StreamsCluster): Promise<void> {
  await c.nodes[0].call("startSeq", { everyMs: 10, direct: c.clients.map((client) => client.firstId) });
  await advance(c);
}

/** Sends a request to a node and adds how long after `since` its answer came back. */
async function request<T>(node: StreamsCluster["nodes"][number], cmd: string, since: number, args: Record<string, unknown> = {}) {
  const answer = await node.call<Timed<T>>(cmd, args);
  return { ...answer, sinceFault: Date.now() - since };
}

/** How a request ended, in a form whose mismatch shows the error. */
const outcome = (answer: Timed<unknown>) => (answer.ok ? { ok: true } : { ok: false, error: answer.error, code: answer.code, ms: Math.round(answer.ms) });

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A request either resolved with every node's answer (`whole`) or failed with CLUSTER_UNREACHABLE. */
function expectWholeOrUnreachable<T>(answer: Timed<T>, view: (result: T) => unknown, whole: unknown): void {
  const seen = answer.ok ? { ok: true, result: view(answer.result!) } : { ok: false, code: answer.code, error: answer.error };
  const expected = answer.ok ? { ok: true, result: whole } : { ok: false, code: "CLUSTER_UNREACHABLE", error: expect.any(String) };
  expect(seen).toEqual(expected);
}

async function nodePids(c: StreamsCluster): Promise<number[]> {
  return Promise.all(c.nodes.map(async (node) => (await node.call<{ pid: number }>("info")).pid));
}

describe("Redis Streams cluster of three node processes under faults", () => {
  it("kill -9 of a node: its clients recover on the live nodes with nothing lost or doubled, requests answer without it", async () => {
    const c = (cluster = await startCluster());
    const [a, b, dead] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0], (typeof c.nodes)[0]];
    const moved = c.clients.filter((client) => client.home === 2);
    const stayed = c.clients.filter((client) => client.home !== 2);
    await startSequence(c);

    const killedAt = Date.now();
    dead.child.kill("SIGKILL");
    const [fetched, answered] = await Promise.all([
      request<RemoteSocketInfo[]>(a, "fetchSockets", killedAt),
      request<string[]>(b, "serverSideEmitWithAck", killedAt),
    ]);
    // The live nodes' answers, within heartbeatTimeout of the death: not a timeout error.
    expect(outcome(fetched)).toEqual({ ok: true });
    expect(outcome(answered)).toEqual({ ok: true });
    expect(answered.result).toEqual(["a <- b"]);
    expect(Math.max(fetched.sinceFault, answered.sinceFault)).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT + SLACK_MS);
    const ids = fetched.result!.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(stayed.map((client) => client.firstId)));

    await waitFor(() => moved.every((client) => client.connects.length >= 2 && client.socket.connected), 10_000, "the dead node's clients back");
    await advance(c);
    await finish(c);
    for (const client of moved) {
      expect(client.connects[client.connects.length - 1]).toMatchObject({ id: client.firstId, recovered: true });
      expect(client.connects[client.connects.length - 1].node).not.toBe(2);
    }
    for (const client of stayed) expect(client.connects).toHaveLength(1);
    // The recovered sockets kept their data and rooms on their new nodes.
    const after = await request<RemoteSocketInfo[]>(a, "fetchSockets", Date.now());
    expect(outcome(after)).toEqual({ ok: true });
    for (const client of moved) {
      const socket = after.result!.find((s) => s.id === client.firstId);
      expect(socket?.data.home).toBe("c");
      expect(socket?.rooms).toEqual(expect.arrayContaining(["seq", `group-${socket?.data.group}`, client.firstId]));
    }
    expect(c.fatal).toEqual([]);
  }, 60_000);

  it("a node that hangs (SIGSTOP) with its connections open: requests complete with the live nodes' answers", async () => {
    const c = (cluster = await startCluster());
    const [a, b, hung] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0], (typeof c.nodes)[0]];
    const live = c.clients
      .filter((client) => client.home !== 2)
      .map((client) => client.firstId)
      .sort();
    const hungAt = Date.now();
    hung.child.kill("SIGSTOP");
    try {
      const [fetched, answered, acked] = await Promise.all([
        request<RemoteSocketInfo[]>(a, "fetchSockets", hungAt),
        request<string[]>(b, "serverSideEmitWithAck", hungAt),
        request<string[]>(a, "broadcastWithAck", hungAt, { timeout: 8000 }),
      ]);
      expect([fetched, answered, acked].map(outcome)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      expect(fetched.result!.map((s) => s.id).sort()).toEqual(live);
      expect(answered.result).toEqual(["a <- b"]);
      expect([...acked.result!].sort()).toEqual(live);
      for (const answer of [fetched, answered, acked]) expect(answer.sinceFault).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT + SLACK_MS);
    } finally {
      const exited = new Promise((resolve) => hung.child.once("exit", resolve));
      hung.child.kill("SIGKILL");
      await exited;
    }
    expect(c.fatal).toEqual([]);
  }, 60_000);

  it.each([
    ["without persistence (the stream comes back empty)", "none"],
    ["with appendonly persistence", "aof"],
  ] as const)(
    "Redis restarted %s: no broadcast lost, a request during the outage is complete or fails clearly",
    async (_title, persistence) => {
      const c = (cluster = await startCluster({ persistence }));
      const [a, b] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
      const pids = await nodePids(c);
      await startSequence(c);

      const seenErrors = (await a.call<{ redisErrors: number }>("info")).redisErrors;
      await c.redis.kill();
      const downAt = Date.now();
      // Node a has seen its connection drop: a request now is issued during the outage.
      await eventually(async () => (await a.call<{ redisErrors: number }>("info")).redisErrors > seenErrors, 5000, "node a to see Redis go");
      const requests = Promise.all([request<RemoteSocketInfo[]>(a, "fetchSockets", downAt), request<string[]>(b, "serverSideEmitWithAck", downAt)]);
      // The outage: 2 s without Redis (the scenario, not a wait for something to happen: what is
      // checked below is counted in messages and answers, whatever this machine's speed), then it
      // comes back on the same port.
      await sleep(Math.max(0, 2000 - (Date.now() - downAt)));
      await c.redis.restart();

      const during = await withDeadline(requests, 10_000, "the requests issued during the outage");
      await advance(c);
      await finish(c);
      // Never "ok" with whatever part of the cluster answered: every node's answer (the request
      // waited for Redis) or the error that says the cluster could not be reached.
      const [fetched, answered] = during;
      expectWholeOrUnreachable(fetched, (sockets) => sockets.map((s) => s.id).sort(), c.clients.map((client) => client.firstId).sort());
      expectWholeOrUnreachable(answered, (answers) => [...answers].sort(), ["a <- b", "c <- b"]);
      for (const client of c.clients) expect(client.connects).toHaveLength(1);
      expect(await nodePids(c)).toEqual(pids);
      await c.waitForServerCount(a, 3);
      expect(c.fatal).toEqual([]);
    },
    60_000,
  );

  it("Redis paused for 5 s (SIGSTOP/SIGCONT): no broadcast lost, no error escapes, no node restarts", async () => {
    const c = (cluster = await startCluster());
    const pids = await nodePids(c);
    await startSequence(c);
    c.redis.pause();
    // The stall itself: 5 s with Redis holding every connection open and answering nothing (the
    // scenario's length; the checks below wait on messages, not on time).
    await sleep(5000);
    c.redis.resume();
    await advance(c);
    await finish(c);
    for (const client of c.clients) expect(client.connects).toHaveLength(1);
    expect(await nodePids(c)).toEqual(pids);
    expect(c.fatal).toEqual([]);
  }, 60_000);
});
