/** Request bodies of the orders API: zod schemas (validation) that also produce the OpenAPI schemas. */
import { z } from 'zod';
import { orderFaultsSchema, statusChangeFaultsSchema } from './order-faults.js';

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const createOrderSchema = z
  .object({
    /** Client-chosen order id (idempotent retries); default a UUID. */
    id: z.string().regex(idPattern, 'letters, digits, "_" or "-", up to 64').optional(),
    userId: z.string().regex(idPattern, 'letters, digits, "_" or "-", up to 64'),
    items: z
      .array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(50),
    /** Fault injection; rejected unless the app runs with ORDER_FAULTS_ENABLED=true. */
    faults: orderFaultsSchema.optional(),
  })
  .strict();

export type CreateOrderRequest = z.infer<typeof createOrderSchema>;

/** Optional body of pay and ship. */
export const statusChangeSchema = z
  .object({
    /** Fault injection; rejected unless the app runs with ORDER_FAULTS_ENABLED=true. */
    faults: statusChangeFaultsSchema.optional(),
  })
  .strict()
  .optional();

export type StatusChangeRequest = z.infer<typeof statusChangeSchema>;

export const orderIdSchema = z.string().regex(idPattern);

/** OpenAPI 3.0 form of a zod schema, for @ApiBody. */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<string, unknown>;
}
