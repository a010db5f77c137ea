/** Request and response shapes of the HTTP API: zod schemas validate, the classes document (OpenAPI). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';

const sku = z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "-" and "_", at most 64');

export const createSaleSchema = z.object({
  sku,
  stock: z.number().int().min(0).max(10_000_000),
  /** ISO time or ms since epoch; default now. */
  startsAt: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
  ratePerSec: z.number().int().positive().optional(),
  burst: z.number().int().positive().optional(),
});
export type CreateSaleBody = z.infer<typeof createSaleSchema>;

export const seckillSchema = z.object({
  sku,
  userId: z.string().min(1).max(128),
});
export type SeckillBody = z.infer<typeof seckillSchema>;

export class CreateSaleDto {
  @ApiProperty({ example: 'iphone-17' }) sku!: string;
  @ApiProperty({ example: 1000, description: 'units on sale' }) stock!: number;
  @ApiPropertyOptional({ example: '2026-11-24T10:00:00Z', description: 'ISO time or ms since epoch; default now' }) startsAt?: string | number;
  @ApiPropertyOptional({ example: 5000, description: 'accept-path token bucket refill per second (default SALE_DEFAULT_RATE_PER_SEC)' }) ratePerSec?: number;
  @ApiPropertyOptional({ example: 5000, description: 'token bucket capacity (default ratePerSec)' }) burst?: number;
}

export class SaleDto {
  @ApiProperty() sku!: string;
  @ApiProperty() stock!: number;
  @ApiProperty({ description: 'units the gate can still accept' }) remaining!: number;
  @ApiProperty({ description: 'ms since epoch' }) startsAt!: number;
  @ApiProperty() ratePerSec!: number;
  @ApiProperty() burst!: number;
  @ApiProperty({ description: 'orders in the database' }) orders!: number;
  @ApiProperty() distinctUsers!: number;
  @ApiProperty() ticketsCreated!: number;
  @ApiProperty() ticketsFailed!: number;
}

export class SeckillDto {
  @ApiProperty({ example: 'iphone-17' }) sku!: string;
  @ApiProperty({ example: 'user-42' }) userId!: string;
}

export class TicketAcceptedDto {
  @ApiProperty({ example: 'accepted' }) outcome!: 'accepted';
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ example: 'PENDING' }) status!: 'PENDING';
}

export class RejectionDto {
  @ApiProperty({ enum: ['sold_out', 'repeat', 'rate_limited', 'not_started', 'unknown_sale', 'unavailable'] }) outcome!: string;
  @ApiPropertyOptional({ description: 'on repeat: the ticket the user already holds' }) ticketId?: string;
}

export class TicketDto {
  @ApiProperty() ticketId!: string;
  @ApiProperty() sku!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['PENDING', 'CREATED', 'FAILED'] }) status!: 'PENDING' | 'CREATED' | 'FAILED';
  @ApiPropertyOptional({ nullable: true }) reason?: string | null;
}
