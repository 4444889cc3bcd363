import "reflect-metadata";
import { describe } from "@jest/globals";
import { runAuthSuite } from "../auth/auth-suite.js";
import { runBasicsSuite } from "../auth/basics-suite.js";
import { runNamespaceAuthSuite } from "../auth/namespace-auth-suite.js";
import { startNestRealtime } from "./start-nest.js";

describe.each(["express", "fastify"] as const)("@switchboard/nestjs on Nest's %s platform", (platform) => {
  describe("basics", () => runBasicsSuite(startNestRealtime(platform)));
  describe("auth option", () => runAuthSuite(startNestRealtime(platform)));
  describe("auth on every namespace", () => runNamespaceAuthSuite(startNestRealtime(platform)));
});
