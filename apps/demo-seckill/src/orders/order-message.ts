/** The message an accepted request becomes on the orders topic (key = ticket id). */
import { z } from 'zod';

export const orderMessageSchema = z.object({
  ticketId: z.string().min(1).max(64),
  sku: z.string().min(1).max(64),
  userId: z.string().min(1).max(128),
  acceptedAt: z.number(),
});

export type OrderMessage = z.infer<typeof orderMessageSchema>;

/** The tag accepted requests are sent with. */
export const ORDER_TAG = 'accepted';
