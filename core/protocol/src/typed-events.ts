/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Utility types that turn user event maps into checked `emit`/`on` signatures. Shared by the
 * client and the server so that `ServerToClientEvents` means the same thing on both sides.
 *
 * @example
 * interface ServerToClientEvents { hello: (name: string) => void; sum: (a: number, cb: (r: number) => void) => void }
 * type Names = EventNames<ServerToClientEvents>; // "hello" | "sum"
 */
export interface EventsMap {
  [event: string]: any;
}

/** The map used when none is given: any event, any arguments. */
export interface DefaultEventsMap {
  [event: string]: (...args: any[]) => void;
}

export type EventNames<Map extends EventsMap> = keyof Map & (string | symbol);

export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

/** The event names of both the reserved map and the user map. */
export type ReservedOrUserEventNames<ReservedEvents extends EventsMap, UserEvents extends EventsMap> = EventNames<ReservedEvents> | EventNames<UserEvents>;

type FallbackToUntypedListener<T> = [T] extends [never] ? (...args: any[]) => void | Promise<void> : T;

/** The listener type of a reserved or user event. */
export type ReservedOrUserListener<
  ReservedEvents extends EventsMap,
  UserEvents extends EventsMap,
  Ev extends ReservedOrUserEventNames<ReservedEvents, UserEvents>,
> = FallbackToUntypedListener<Ev extends EventNames<ReservedEvents> ? ReservedEvents[Ev] : Ev extends EventNames<UserEvents> ? UserEvents[Ev] : never>;

type IsAny<T> = 0 extends 1 & T ? true : false;

export type Last<T extends any[]> = T extends [...infer _H, infer L] ? L : any;
export type AllButLast<T extends any[]> = T extends [...infer H, infer _L] ? H : any[];

/** Events whose last parameter is an acknowledgement callback. */
export type EventNamesWithAck<Map extends EventsMap, K extends EventNames<Map> = EventNames<Map>> = K extends unknown
  ? IsAny<Map[K]> extends true
    ? K
    : Parameters<Map[K]> extends []
      ? never
      : Last<Parameters<Map[K]>> extends (...args: any[]) => any
        ? K
        : never
  : never;

/** Events whose last parameter is not a callback. */
export type EventNamesWithoutAck<Map extends EventsMap, K extends EventNames<Map> = EventNames<Map>> = K extends unknown
  ? IsAny<Map[K]> extends true
    ? K
    : Parameters<Map[K]> extends []
      ? K
      : Last<Parameters<Map[K]>> extends (...args: any[]) => any
        ? never
        : K
  : never;

/** The map without the events that expect an acknowledgement (broadcasts cannot await one). */
export type RemoveAcknowledgements<E extends EventsMap> = {
  [K in EventNamesWithoutAck<E>]: E[K];
};

type FirstNonErrorTuple<T extends unknown[]> = T[0] extends Error ? T[1] : T[0];

/** What `emitWithAck` resolves to: the ack's first argument that is not an error. */
export type FirstNonErrorArg<T> = T extends (...args: infer Params) => any ? FirstNonErrorTuple<Params> : any;

/** Turns `(value) => void` acks into `(err, value) => void`, as `timeout()` does. */
export type PrependTimeoutError<T extends any[]> = {
  [K in keyof T]: T[K] extends (...args: infer Params) => infer Result ? (Params[0] extends Error ? T[K] : (err: Error, ...args: Params) => Result) : T[K];
};

/** Turns `(err, value) => void` acks into `(err, values[]) => void`, for broadcasts with acks. */
export type ExpectMultipleResponses<T extends any[]> = {
  [K in keyof T]: T[K] extends (err: Error, arg: infer Param) => infer Result ? (err: Error, arg: Param[]) => Result : T[K];
};

/** The event map as seen through `timeout()`: every ack receives an error first. */
export type DecorateAcknowledgements<E> = {
  [K in keyof E]: E[K] extends (...args: infer Params) => infer Result ? (...args: PrependTimeoutError<Params>) => Result : E[K];
};

/** The event map as seen through `timeout()` on a broadcast: an error, then every response. */
export type DecorateAcknowledgementsWithTimeoutAndMultipleResponses<E> = {
  [K in keyof E]: E[K] extends (...args: infer Params) => infer Result ? (...args: ExpectMultipleResponses<PrependTimeoutError<Params>>) => Result : E[K];
};

/** The event map as seen by a broadcast with acks but without an explicit timeout. */
export type DecorateAcknowledgementsWithMultipleResponses<E> = {
  [K in keyof E]: E[K] extends (...args: infer Params) => infer Result ? (...args: ExpectMultipleResponses<Params>) => Result : E[K];
};
