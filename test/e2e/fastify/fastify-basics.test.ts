import { describe } from "@jest/globals";
import { runBasicsSuite } from "../auth/basics-suite.js";
import { startFastify } from "./start-fastify.js";

describe("@switchboard/fastify with socket.io-client", () => {
  runBasicsSuite((options) => startFastify(options));
});
