import { jest } from "@jest/globals";
import { MessageType, type ClusterResponse } from "./cluster-messages.js";
import { ClusterRequest, type RequestHandler } from "./cluster-request.js";
import { PendingRequests } from "./pending-requests.js";

const REQUESTS_TIMEOUT = 5000;
const HEARTBEAT_TIMEOUT = 10_000;

const answer = (uid: string, packet: unknown): ClusterResponse => ({
  uid,
  nsp: "/",
  type: MessageType.SERVER_SIDE_EMIT_RESPONSE,
  data: { requestId: "r", packet },
});

describe("ClusterRequest", () => {
  let heard: Map<string, number>;
  let outcome: { done?: unknown[]; error?: Error; gone: string[] };
  let requests: PendingRequests<ClusterResponse>;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    heard = new Map();
    outcome = { gone: [] };
    requests = new PendingRequests();
  });

  afterEach(() => {
    requests.abortAll(new Error("end of test"));
    jest.useRealTimers();
  });

  function start(peers: string[]): ClusterRequest {
    for (const peer of peers) heard.set(peer, Date.now());
    const answers: unknown[] = [];
    const handler: RequestHandler = {
      onAnswer: (_uid, response) => (answers.push((response.data as { packet: unknown }).packet), true),
      onComplete: () => (outcome.done = answers),
      onFail: (err) => (outcome.error = err),
      onNodeGone: (uid) => outcome.gone.push(uid),
    };
    const request = new ClusterRequest(peers, handler, {
      requestsTimeout: REQUESTS_TIMEOUT,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      lastHeard: (uid) => heard.get(uid),
    });
    requests.add("r", request, REQUESTS_TIMEOUT);
    return request;
  }

  it("completes once every peer and every counted silent node answered", () => {
    const request = start(["p", "q"]);
    request.markPublished();
    expect(requests.respond("r", answer("p", 1))).toBe(true);
    expect(requests.respond("r", answer("stranger", 3))).toBe(true);
    expect(outcome.done).toBeUndefined();
    expect(requests.respond("r", answer("q", 2))).toBe(true);
    // Every peer answered, but the broker has not counted the nodes without heartbeats yet.
    expect(outcome.done).toBeUndefined();
    expect(request.setSilentNodes(1)).toBe(true);
    requests.finish("r");
    expect(outcome.done).toEqual([1, 3, 2]);
    expect(request.expectedNodes).toBe(3);
  });

  it("ignores a second answer of a peer, and answers beyond the counted silent nodes", () => {
    const request = start(["p"]);
    request.markPublished();
    request.setSilentNodes(0);
    heard.set("late-peer", Date.now());
    requests.respond("r", answer("late-peer", "x"));
    requests.respond("r", answer("p", 1));
    expect(outcome.done).toEqual([1]);
    expect(requests.size).toBe(0);
  });

  it("completes with the live answers when a peer dies", () => {
    const request = start(["p", "q"]);
    request.markPublished();
    request.setSilentNodes(0);
    requests.respond("r", answer("p", 1));
    requests.settle((r) => (r as ClusterRequest).nodeGone("q"));
    expect(outcome.gone).toEqual(["q"]);
    expect(outcome.done).toEqual([1]);
    expect(requests.size).toBe(0);
  });

  it("fails with CLUSTER_UNREACHABLE when the nodes were never counted or the request never published", () => {
    start(["p"]);
    jest.advanceTimersByTime(REQUESTS_TIMEOUT);
    expect(outcome.error).toMatchObject({ code: "CLUSTER_UNREACHABLE" });
    expect(requests.size).toBe(0);

    outcome = { gone: [] };
    const request = start(["p"]);
    request.setSilentNodes(0);
    jest.advanceTimersByTime(REQUESTS_TIMEOUT);
    expect(outcome.error).toMatchObject({ code: "CLUSTER_UNREACHABLE" });
  });

  it("fails with CLUSTER_REQUEST_TIMEOUT when a peer that still shows life does not answer", () => {
    const request = start(["p", "q"]);
    request.markPublished();
    request.setSilentNodes(0);
    requests.respond("r", answer("p", 1));
    jest.advanceTimersByTime(REQUESTS_TIMEOUT / 2);
    heard.set("q", Date.now());
    jest.advanceTimersByTime(REQUESTS_TIMEOUT / 2);
    expect(outcome.error).toMatchObject({ code: "CLUSTER_REQUEST_TIMEOUT", message: expect.stringContaining("1 node(s)") });
    expect(requests.size).toBe(0);
  });

  it("fails with CLUSTER_REQUEST_TIMEOUT when a node without heartbeats does not answer", () => {
    const request = start([]);
    request.markPublished();
    request.setSilentNodes(1);
    jest.advanceTimersByTime(REQUESTS_TIMEOUT);
    expect(outcome.error).toMatchObject({ code: "CLUSTER_REQUEST_TIMEOUT" });
  });

  it("waits for the verdict on a peer silent since before the request, then completes without it", () => {
    const request = start(["p", "hung"]);
    heard.set("hung", Date.now() - 1000);
    request.markPublished();
    request.setSilentNodes(0);
    requests.respond("r", answer("p", 1));
    jest.advanceTimersByTime(REQUESTS_TIMEOUT);
    // Not failed: "hung" said nothing since before the request, its verdict is coming.
    expect(outcome.error).toBeUndefined();
    expect(requests.size).toBe(1);
    jest.advanceTimersByTime(HEARTBEAT_TIMEOUT - REQUESTS_TIMEOUT - 1000);
    requests.settle((r) => (r as ClusterRequest).nodeGone("hung"));
    expect(outcome.done).toEqual([1]);
    expect(requests.size).toBe(0);
  });

  it("gives up on a silent peer that is never judged, after requestsTimeout + heartbeatTimeout", () => {
    const request = start(["hung"]);
    heard.set("hung", Date.now() - 1);
    request.markPublished();
    request.setSilentNodes(0);
    jest.advanceTimersByTime(REQUESTS_TIMEOUT + HEARTBEAT_TIMEOUT - 1);
    expect(outcome.error).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(outcome.error).toMatchObject({ code: "CLUSTER_REQUEST_TIMEOUT" });
    expect(requests.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe("ClusterRequest after a broker outage", () => {
  afterEach(() => jest.useRealTimers());

  it("fails with CLUSTER_UNREACHABLE, not a timeout, when the broker delivered it to fewer nodes than listen", () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const requests = new PendingRequests<ClusterResponse>();
    let error: Error | undefined;
    const heard = new Map([["p", Date.now()]]);
    const request = new ClusterRequest(
      ["p"],
      { onAnswer: () => true, onComplete: () => undefined, onFail: (err) => (error = err) },
      { requestsTimeout: REQUESTS_TIMEOUT, heartbeatTimeout: HEARTBEAT_TIMEOUT, lastHeard: (uid) => heard.get(uid) },
    );
    requests.add("r", request, REQUESTS_TIMEOUT);
    // Published to this node only: "p" was still resubscribing; it shows life, but never got it.
    request.markPublished(1);
    request.setSilentNodes(0);
    heard.set("p", Date.now() + 1);
    jest.advanceTimersByTime(REQUESTS_TIMEOUT);
    expect(error).toMatchObject({ code: "CLUSTER_UNREACHABLE", message: expect.stringContaining("delivered the request to 1 of 2 subscriber(s)") });
  });
});
