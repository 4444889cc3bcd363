import "reflect-metadata";
import { Injectable, Module, UseGuards, UsePipes, ValidationPipe, type CanActivate } from "@nestjs/common";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from "@nestjs/websockets";
import { Type } from "class-transformer";
import { IsInt, IsString, Min, MinLength, ValidateNested } from "class-validator";
import { AckErrors, validationExceptionFactory, type AckError } from "@switchboard/nestjs";
import { connected } from "../auth/harness.js";
import { Clients, once } from "../../support/index.js";
import { startNest, type NestApp } from "./start-nest.js";

class AddressDto {
  @IsString() @MinLength(2) city!: string;
}

class OrderDto {
  @IsInt() @Min(1) quantity!: number;
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
}

@Injectable()
class NeverGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@WebSocketGateway({ namespace: "orders", ackErrors: true })
class OrdersGateway {
  @UsePipes(new ValidationPipe({ transform: true, exceptionFactory: validationExceptionFactory }))
  @SubscribeMessage("order")
  order(@MessageBody() dto: OrderDto): { ok: true; quantity: number } {
    return { ok: true, quantity: dto.quantity };
  }

  @SubscribeMessage("fail")
  fail(): never {
    throw new WsException("out of stock");
  }

  @UseGuards(NeverGuard)
  @SubscribeMessage("locked")
  locked(): string {
    return "never";
  }
}

/** No gateway-wide opt-in: one method opts in with @AckErrors(). */
@WebSocketGateway()
class PlainGateway {
  @SubscribeMessage("fail")
  fail(): never {
    throw new WsException("plain failure");
  }

  @AckErrors()
  @SubscribeMessage("fail-to-ack")
  failToAck(): never {
    throw new WsException({ status: "error", message: "custom", code: "E_CUSTOM" });
  }
}

@Module({ providers: [OrdersGateway, PlainGateway, NeverGuard] })
class AckModule {}

describe("errors through the ack", () => {
  let nest: NestApp;
  const clients = new Clients();

  beforeAll(async () => {
    nest = await startNest(AckModule);
  });

  afterEach(() => clients.closeAll());

  afterAll(async () => {
    await nest.close();
  });

  const open = (nsp: string) => connected(clients.open(`${nest.url}${nsp}`, { transports: ["websocket"] }));

  it("answers a WsException through the ack as { error }, and emits no exception event", async () => {
    const socket = await open("/orders");
    const events: unknown[] = [];
    socket.on("exception", (e: unknown) => events.push(e));
    const answer = (await socket.emitWithAck("fail", { sku: "x" })) as AckError;
    expect(answer).toEqual({ error: { status: "error", message: "out of stock", cause: { pattern: "fail", data: { sku: "x" } } } });
    // A later round trip on the same connection: an exception event sent with the error would be here by now.
    expect(await socket.emitWithAck("order", { quantity: 1, address: { city: "Oslo" } })).toEqual({ ok: true, quantity: 1 });
    expect(events).toEqual([]);
  });

  it("answers a validation failure with the exact (nested) fields and constraints", async () => {
    const socket = await open("/orders");
    const answer = (await socket.emitWithAck("order", { quantity: 0, address: { city: "X" } })) as AckError;
    expect(answer.error).toEqual({
      status: "error",
      code: "validation_failed",
      message: "Validation failed: quantity, address.city",
      errors: [
        { field: "quantity", messages: ["quantity must not be less than 1"], constraints: { min: "quantity must not be less than 1" } },
        {
          field: "address.city",
          messages: ["city must be longer than or equal to 2 characters"],
          constraints: { minLength: "city must be longer than or equal to 2 characters" },
        },
      ],
    });
    expect(await socket.emitWithAck("order", { quantity: 2, address: { city: "Oslo" } })).toEqual({ ok: true, quantity: 2 });
  });

  it("answers a guard refusal through the ack", async () => {
    const socket = await open("/orders");
    expect(await socket.emitWithAck("locked")).toEqual({
      error: { status: "error", message: "Forbidden resource", cause: { pattern: "locked", data: undefined } },
    });
  });

  it("falls back to the exception event when the client sent no ack", async () => {
    const socket = await open("/orders");
    const exception = once<[{ message: string }]>(socket, "exception");
    socket.emit("fail", 1);
    expect((await exception)[0].message).toBe("out of stock");
  });

  it("keeps the exception event on gateways that did not opt in, even with an ack", async () => {
    const socket = await open("");
    const exception = once<[{ message: string }]>(socket, "exception");
    const acked: unknown[] = [];
    socket.emit("fail", (answer: unknown) => acked.push(answer));
    expect((await exception)[0].message).toBe("plain failure");
    // A later round trip on the same connection: an ack answered with the error would be here by now.
    expect(await socket.emitWithAck("fail-to-ack")).toEqual({ error: { status: "error", message: "custom", code: "E_CUSTOM" } });
    expect(acked).toEqual([]);
  });

  it("opts in per message with @AckErrors()", async () => {
    const socket = await open("");
    expect(await socket.emitWithAck("fail-to-ack")).toEqual({ error: { status: "error", message: "custom", code: "E_CUSTOM" } });
  });
});
