/** What `@WebSocketGateway({...})` accepts on top of Nest's options with this adapter. */
export interface SwitchboardGatewayOptions {
  /**
   * When the client sent an ack, an error of this gateway's messages answers through it as
   * `{ error: { status: "error", message, ... } }` instead of the `exception` event (see `@AckErrors()`).
   */
  ackErrors?: boolean;
}

declare module "@nestjs/websockets" {
  interface GatewayMetadata extends SwitchboardGatewayOptions {}
}
