import { describe } from "@jest/globals";
import { runNamespaceAuthSuite } from "../auth/namespace-auth-suite.js";
import { startExpress } from "./start-express.js";

describe("@switchboard/express: auth on every namespace", () => {
  runNamespaceAuthSuite((options) => startExpress(options));
});
