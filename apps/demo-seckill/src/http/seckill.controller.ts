import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RejectionDto, SeckillDto, TicketAcceptedDto, TicketDto, seckillSchema, type SeckillBody } from './dto.js';
import { SeckillService, type AcceptOutcome } from './seckill.service.js';
import { ZodBodyPipe } from './zod-body.pipe.js';

const STATUS_OF: Record<AcceptOutcome['outcome'], number> = {
  accepted: HttpStatus.ACCEPTED,
  repeat: HttpStatus.CONFLICT,
  sold_out: HttpStatus.GONE,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  not_started: 425, // Too Early
  unknown_sale: HttpStatus.NOT_FOUND,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

@ApiTags('seckill')
@Controller('seckill')
export class SeckillController {
  constructor(private readonly seckill: SeckillService) {}

  @Post()
  @ApiBody({ type: SeckillDto })
  @ApiAcceptedResponse({ type: TicketAcceptedDto, description: 'accepted: the order is queued; poll the ticket' })
  @ApiConflictResponse({ type: RejectionDto, description: 'repeat: this user already holds a ticket' })
  @ApiResponse({ status: 410, type: RejectionDto, description: 'sold out' })
  @ApiTooManyRequestsResponse({ type: RejectionDto, description: "over the SKU's rate limit" })
  @ApiResponse({ status: 425, type: RejectionDto, description: 'the sale has not started' })
  @ApiNotFoundResponse({ type: RejectionDto, description: 'no such sale' })
  @ApiResponse({ status: 503, type: RejectionDto, description: 'the request could not be queued; nothing was taken' })
  async accept(@Body(new ZodBodyPipe(seckillSchema)) body: SeckillBody, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.seckill.accept(body.sku, body.userId);
    reply.status(STATUS_OF[result.outcome]);
    return result.outcome === 'accepted' ? { outcome: 'accepted', ticketId: result.ticketId, status: 'PENDING' } : result;
  }

  @Get('tickets/:ticketId')
  @ApiOkResponse({ type: TicketDto })
  @ApiNotFoundResponse({ description: 'no such ticket' })
  async ticket(@Param('ticketId') ticketId: string): Promise<TicketDto> {
    const ticket = await this.seckill.findTicket(ticketId);
    if (!ticket) throw new NotFoundException(`no ticket ${ticketId}`);
    return ticket;
  }
}
