import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodValidationPipe } from '../http/zod-validation.pipe.js';
import type { OrderRow } from './order-repository.js';
import { createOrderSchema, openApiSchemaOf, orderIdSchema, statusChangeSchema, type CreateOrderRequest, type StatusChangeRequest } from './order-requests.js';
import { OrdersService, type PlacedOrder } from './orders.service.js';

const STATUS_CHANGE =
  'The new status and a status_outbox row commit in one DB transaction; the ordered message (sharding key = order id) is sent right after, and by the outbox relay if that send fails or the process dies first.';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @ApiOperation({
    summary: 'Place an order',
    description:
      'Sends the order-created half message, then writes the order and its tx_log row in one DB transaction, then commits or rolls the message back.',
  })
  @ApiBody({ schema: openApiSchemaOf(createOrderSchema) })
  @ApiResponse({ status: 201, description: 'committed: the order exists and its message is delivered to the consumers' })
  @ApiResponse({ status: 202, description: 'committed locally; the broker settles the message by check-back' })
  @ApiResponse({ status: 409, description: 'an order with this id exists' })
  @ApiResponse({ status: 422, description: 'rejected (e.g. unknown product): nothing written, message rolled back' })
  async place(@Body(new ZodValidationPipe(createOrderSchema)) body: CreateOrderRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlacedOrder> {
    const placed = await this.orders.place(body);
    reply.status(placed.status === 'created' ? 201 : 202);
    return placed;
  }

  @Get(':id')
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 404, description: 'no such order (never placed, or rolled back)' })
  get(@Param('id', new ZodValidationPipe(orderIdSchema)) id: string): Promise<OrderRow> {
    return this.orders.get(id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  @ApiOperation({ summary: 'created → paid', description: STATUS_CHANGE })
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: openApiSchemaOf(statusChangeSchema.unwrap()), required: false })
  @ApiResponse({ status: 409, description: 'not in the previous status, not confirmed yet, or its previous change is not on the status stream yet' })
  pay(@Param('id', new ZodValidationPipe(orderIdSchema)) id: string, @Body(new ZodValidationPipe(statusChangeSchema)) body: StatusChangeRequest): Promise<OrderRow> {
    return this.orders.advance(id, 'paid', body?.faults);
  }

  @Post(':id/ship')
  @HttpCode(200)
  @ApiOperation({ summary: 'paid → shipped', description: STATUS_CHANGE })
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: openApiSchemaOf(statusChangeSchema.unwrap()), required: false })
  @ApiResponse({ status: 409, description: 'not in the previous status, not confirmed yet, or its previous change is not on the status stream yet' })
  ship(@Param('id', new ZodValidationPipe(orderIdSchema)) id: string, @Body(new ZodValidationPipe(statusChangeSchema)) body: StatusChangeRequest): Promise<OrderRow> {
    return this.orders.advance(id, 'shipped', body?.faults);
  }
}
