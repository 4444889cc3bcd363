import * as protocol from "@switchboard/protocol";
import * as engine from "@switchboard/engine";
import * as server from "@switchboard/server";
import * as framework from "@switchboard/server/framework";
import * as client from "@switchboard/client";

/**
 * The runtime names each entry point exports, pinned: a name reaches the public API only by being
 * added here on purpose (the indexes list their names explicitly, with no `export *`). Type-only
 * names leave no runtime trace; the indexes list those explicitly too, and test:types checks
 * what users write with them.
 */
const names = (entry: object): string[] => Object.keys(entry).sort();

describe("public API", () => {
  it("@switchboard/server exports the Socket.IO server, auth, the engine's user-facing classes and the adapter base", () => {
    expect(names(server)).toEqual(
      [
        // the Socket.IO server
        "Server",
        "Namespace",
        "ParentNamespace",
        "Socket",
        "BroadcastOperator",
        "RemoteSocket",
        "ServerError",
        // authentication
        "jwtAuth",
        "authenticate",
        "chainAuth",
        "AuthError",
        "AUTH_REFRESH_EVENT",
        // the engine behind io.engine
        "Engine",
        "EngineSocket",
        "EngineErrorCode",
        // for adapter authors
        "Adapter",
        "SessionAwareAdapter",
        "ClusterAdapter",
        "ClusterAdapterError",
        "resolveClusterAdapterOptions",
        "MessageType",
        "EMITTER_UID",
        "isClusterMessage",
        "PendingRequests",
        "describeSocket",
        "toWireOptions",
        "fromWireOptions",
        "reachesRooms",
        "withTimeout",
      ].sort(),
    );
  });

  it("@switchboard/server/framework exports only what framework integrations build on", () => {
    expect(names(framework)).toEqual(
      [
        "createFrameworkServer",
        "closeFrameworkServer",
        "routeUpgrades",
        "dispatchToEngine",
        "mountExpressRoutes",
        "registerFastifyRoutes",
        "toAuthMiddleware",
        "attachClientServing",
        "createClientFileHandler",
        "serveClientFile",
      ].sort(),
    );
  });

  it("keeps the upgrade plumbing out of both server entries", () => {
    for (const internal of ["stashUpgrade", "takeUpgrade", "createUpgradeResponse", "drainSessions", "refreshAuth", "resolveNamespaceAuth", "Client"]) {
      expect(server).not.toHaveProperty(internal);
      expect(framework).not.toHaveProperty(internal);
    }
  });

  it("@switchboard/engine exports engine.io's entry points and the blocks the server shares", () => {
    expect(names(engine)).toEqual(
      [
        // engine.io's names
        "listen",
        "attach",
        "protocol",
        "Engine",
        "Server",
        "EngineSocket",
        "Socket",
        "Transport",
        "PollingTransport",
        "WebSocketTransport",
        "EngineErrorCode",
        "ENGINE_ERROR_MESSAGES",
        "createCorsMiddleware",
        "resolveCookieOptions",
        // building blocks shared with @switchboard/server
        "generateId",
        "compactListeners",
        "interceptRequests",
        "responseHeaders",
        "createPathMatcher",
        "buildTextFrame",
      ].sort(),
    );
  });

  it("@switchboard/client exports socket.io-client's names", () => {
    expect(names(client)).toEqual(
      [
        "io",
        "connect",
        "default",
        "protocol",
        "Manager",
        "Socket",
        "Backoff",
        "parseUrl",
        "EngineSocket",
        "Transport",
        "TransportError",
        "PollingTransport",
        "WebSocketTransport",
        "msgpackParser",
        "AUTH_REFRESH_EVENT",
      ].sort(),
    );
  });

  it("@switchboard/protocol exports the codecs, packet constants and emitters", () => {
    expect(names(protocol)).toEqual(
      [
        "ProtocolError",
        "Emitter",
        "ListenerTable",
        "ListenerList",
        "isBinary",
        "hasBinary",
        "toUint8Array",
        "encodeBase64",
        "decodeBase64",
        "utf8Length",
        "encodeEnginePacket",
        "decodeEnginePacket",
        "encodeEnginePayload",
        "decodeEnginePayload",
        "ENGINE_PACKET_CODES",
        "ENGINE_PROTOCOL",
        "RECORD_SEPARATOR",
        "encodeEnginePacketV3",
        "decodeEnginePacketV3",
        "encodeEnginePayloadV3",
        "decodeEnginePayloadV3",
        "ENGINE_PROTOCOL_V3",
        "PacketType",
        "SOCKET_PROTOCOL",
        "RESERVED_EVENTS",
        "AUTH_REFRESH_EVENT",
        "deconstructPacket",
        "reconstructPacket",
        "Encoder",
        "Decoder",
        "encodeMsgpack",
        "decodeMsgpack",
        "decodeTextPacket",
        "MsgpackEncoder",
        "MsgpackDecoder",
        "msgpackParser",
      ].sort(),
    );
  });
});
