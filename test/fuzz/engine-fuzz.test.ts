/**
 * Bounded, seeded fuzzing of the Engine.IO packet and payload decoders (run by `npm test`).
 * Property: well-formed packets or a ProtocolError, nothing else, no polluted prototype.
 * Reproduce a failure with FUZZ_SEED=<seed printed in the message>.
 */
import * as protocol from "@switchboard/protocol";
import { checkEngineInput, describeFailure, engineInput, mulberry32, randomBytes, randomString, type Outcome } from "./fuzz-inputs.js";

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

  it("round-trips random binary and text through payloads", () => {
    const rng = mulberry32(SEED + 1);
    for (let index = 0; index < 5_000; index++) {
      const packets: protocol.EnginePacket[] = [];
      for (let n = 1 + Math.floor(rng() * 4); n > 0; n--) {
        packets.push(rng() < 0.5 ? { type: "message", data: Buffer.from(randomBytes(rng, 16)) } : { type: "message", data: randomString(rng, 16).replace(/\x1e/g, "") || "x" });
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
});
