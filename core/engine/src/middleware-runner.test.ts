import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { runMiddlewares, type EngineMiddleware } from "./middleware-runner.js";

function run(middlewares: EngineMiddleware[]): Promise<{ err: unknown; order: string[] }> {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  return new Promise((resolve) => runMiddlewares(middlewares, req, res, (err) => resolve({ err, order: (req as unknown as { order: string[] }).order ?? [] })));
}

const mark =
  (name: string): EngineMiddleware =>
  (req, _res, next) => {
    const r = req as unknown as { order?: string[] };
    (r.order ??= []).push(name);
    next();
  };

describe("runMiddlewares", () => {
  it("runs middlewares in order, asynchronous ones included", async () => {
    const slow: EngineMiddleware = (req, res, next) => setTimeout(() => mark("slow")(req, res, next), 5);
    const { err, order } = await run([mark("a"), slow, mark("b")]);
    expect(err).toBeUndefined();
    expect(order).toEqual(["a", "slow", "b"]);
  });

  it("stops at the first error, passed or thrown", async () => {
    const passed = await run([mark("a"), (_req, _res, next) => next(new Error("passed")), mark("never")]);
    expect((passed.err as Error).message).toBe("passed");
    expect(passed.order).toEqual(["a"]);
    const thrown = await run([
      () => {
        throw new Error("thrown");
      },
    ]);
    expect((thrown.err as Error).message).toBe("thrown");
  });

  it("completes at once with no middleware", async () => {
    expect((await run([])).err).toBeUndefined();
  });
});
