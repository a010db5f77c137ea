import { Body, ConflictException, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateSaleDto, SaleDto, createSaleSchema, type CreateSaleBody } from './dto.js';
import { SeckillService } from './seckill.service.js';
import { ZodBodyPipe } from './zod-body.pipe.js';

@ApiTags('sales')
@Controller('sales')
export class SalesController {
  constructor(private readonly seckill: SeckillService) {}

  @Post()
  @ApiBody({ type: CreateSaleDto })
  @ApiCreatedResponse({ type: SaleDto })
  @ApiConflictResponse({ description: 'the SKU already has a sale' })
  async create(@Body(new ZodBodyPipe(createSaleSchema)) body: CreateSaleBody): Promise<SaleDto> {
    const sale = await this.seckill.createSale(body);
    if (!sale) throw new ConflictException(`sku ${body.sku} already has a sale`);
    return sale;
  }

  @Get(':sku')
  @ApiOkResponse({ type: SaleDto, description: 'the sale, the units left at the gate and the orders so far' })
  @ApiNotFoundResponse()
  async get(@Param('sku') sku: string): Promise<SaleDto> {
    const sale = await this.seckill.getSale(sku);
    if (!sale) throw new NotFoundException(`no sale for sku ${sku}`);
    return sale;
  }
}
