import { describe } from "@jest/globals";
import { runNamespaceAuthSuite } from "../auth/namespace-auth-suite.js";
import { startFastify } from "./start-fastify.js";

describe("@switchboard/fastify: auth on every namespace", () => {
  runNamespaceAuthSuite((options) => startFastify(options));
});
