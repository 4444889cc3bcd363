import { describe } from "@jest/globals";
import { runAuthSuite } from "../auth/auth-suite.js";
import { startFastify } from "./start-fastify.js";

describe("@switchboard/fastify auth option", () => {
  runAuthSuite((options) => startFastify(options));
});
