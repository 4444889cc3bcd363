import { crossNodeSuite } from "../redis/cross-node-suite.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { startStreamsNode, type ClientLibrary } from "./streams-nodes.js";

// Three Switchboard nodes with the Redis Streams adapter in this process, on one real
// redis-server: the cross-node suite the pub/sub adapter passes, with each client library.
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

for (const library of ["redis", "ioredis"] as ClientLibrary[]) {
  crossNodeSuite(`Redis Streams adapter, three nodes, ${library} clients`, async () => {
    const nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await startStreamsNode(redis.port, { library, adapter: { requestsTimeout: 2000 } }));
    return nodes;
  });
}
