// Compile-time checks of the shared typed-event utilities: `npm run test:types` fails on a regression.
import type { AllButLast, DecorateAcknowledgements, EventNames, EventNamesWithAck, EventNamesWithoutAck, FirstNonErrorArg, Last } from "@switchboard/protocol";

interface Events {
  hello: (name: string) => void;
  sum: (a: number, b: number, cb: (total: number) => void) => void;
  ping: () => void;
}

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assert<T extends true>(): T | void {}

assert<Equal<EventNames<Events>, "hello" | "sum" | "ping">>();
assert<Equal<EventNamesWithAck<Events>, "sum">>();
assert<Equal<EventNamesWithoutAck<Events>, "hello" | "ping">>();
assert<Equal<Last<Parameters<Events["sum"]>>, (total: number) => void>>();
assert<Equal<AllButLast<Parameters<Events["sum"]>>, [a: number, b: number]>>();
assert<Equal<FirstNonErrorArg<(total: number) => void>, number>>();
assert<Equal<FirstNonErrorArg<(err: Error, total: number) => void>, number>>();
type Timed = DecorateAcknowledgements<Events>;
assert<Equal<Parameters<Timed["sum"]>[2], (err: Error, total: number) => void>>();
// @ts-expect-error an unknown event is not a name of the map
const unknown: EventNames<Events> = "nope";
void unknown;
