/**
 * Bounded, seeded fuzzing of the Engine.IO packet and payload decoders (run by `npm test`).
 * Property: well-formed packets or a ProtocolError, nothing else, no polluted prototype; and
 * engine.io-parser (engine.io's own codec) as an oracle in both directions.
 * Reproduce a failure with FUZZ_SEED=<seed printed in the message>.
 */
import * as engineParser from "engine.io-parser";
import * as protocol from "@switchboard/protocol";
import {
  checkEngineAgainstOracle,
  checkEngineEncoderAgainstOracle,
  checkEngineInput,
  describeFailure,
  type EngineOracle,
  type Outcome,
} from "./fuzz-checks.js";
import { engineInput, extremeEngineInput, mulberry32, randomBytes, randomEnginePacket, randomString } from "./fuzz-inputs.js";

const oracle = engineParser as unknown as EngineOracle;

const SEED = Number(process.env.FUZZ_SEED ?? 0xe61e) >>> 0;

describe("fuzz: Engine.IO decoders", () => {
  it("packets and payloads, valid, mutated and random: packets or ProtocolError", () => {
    const rng = mulberry32(SEED);
    const counts: Record<Outcome, number> = { valid: 0, rejected: 0 };
    for (let index = 0; index < 60_000; index++) {
      const { kind, input } = engineInput(rng);
      try {
        counts[checkEngineInput(protocol, kind, input)]++;
      } catch (err) {
        throw new Error(describeFailure(SEED, index, { kind, input }, err));
      }
    }
    expect(counts.valid).toBeGreaterThan(5_000);
    expect(counts.rejected).toBeGreaterThan(5_000);
  });

  it("extremes: oversized packets and payloads, many records, invalid UTF-8", () => {
    const rng = mulberry32(SEED + 4);
    const counts: Record<Outcome, number> = { valid: 0, rejected: 0 };
    for (let index = 0; index < 200; index++) {
      const { kind, input } = extremeEngineInput(rng);
      try {
        counts[checkEngineInput(protocol, kind, input)]++;
      } catch (err) {
        throw new Error(describeFailure(SEED + 4, index, { kind, input: typeof input === "string" ? input.slice(0, 200) : input }, err));
      }
    }
    expect(counts.valid).toBeGreaterThan(50);
    expect(counts.rejected).toBeGreaterThan(10);
  });

  it("round-trips random binary and text through payloads", () => {
    const rng = mulberry32(SEED + 1);
    for (let index = 0; index < 5_000; index++) {
      const packets: protocol.EnginePacket[] = [];
      for (let n = 1 + Math.floor(rng() * 4); n > 0; n--) {
        packets.push(
          rng() < 0.5
            ? { type: "message", data: Buffer.from(randomBytes(rng, 16)) }
            : { type: "message", data: randomString(rng, 16).replace(/\x1e/g, "") || "x" },
        );
      }
      let decoded: protocol.EnginePacket[];
      try {
        decoded = protocol.decodeEnginePayload(protocol.encodeEnginePayload(packets));
      } catch (err) {
        throw new Error(describeFailure(SEED + 1, index, packets, err));
      }
      expect(decoded).toEqual(packets.map((p) => (p.data === "" ? { type: p.type } : p)));
    }
  });

  it("oracle: what engine.io-parser rejects we reject, what both accept decodes the same", () => {
    const rng = mulberry32(SEED + 2);
    let theyAccepted = 0;
    for (let index = 0; index < 30_000; index++) {
      const { kind, input } = engineInput(rng);
      try {
        if (checkEngineAgainstOracle(protocol, oracle, kind, input)) theyAccepted++;
      } catch (err) {
        throw new Error(describeFailure(SEED + 2, index, { kind, input }, err));
      }
    }
    expect(theyAccepted).toBeGreaterThan(10_000);
  });

  it("encoder oracle: random packets encode exactly like engine.io-parser over both transports", () => {
    const rng = mulberry32(SEED + 3);
    const types = new Set<string>();
    for (let index = 0; index < 10_000; index++) {
      const packet = randomEnginePacket(protocol, rng);
      types.add(packet.type);
      try {
        checkEngineEncoderAgainstOracle(protocol, oracle, packet);
      } catch (err) {
        throw new Error(describeFailure(SEED + 3, index, packet, err));
      }
    }
    expect(types.size).toBe(7);
  });
});
