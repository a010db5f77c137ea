/** Topics, consumer groups and the transaction flow of the demo (one place, so processes agree). */
export const ORDER_CREATED_TOPIC = 'DemoOrderCreated';
export const ORDER_STATUS_TOPIC = 'DemoOrderStatus';
export const ORDER_CREATED_FLOW = 'order-created';

export const CONSUMER_GROUPS = {
  inventory: 'demo_order_inventory',
  points: 'demo_order_points',
  notification: 'demo_order_notification',
  statusRelay: 'demo_order_status_relay',
  statusTracker: 'demo_order_status_tracker',
} as const;

/** Listener ids (the module's `listeners` switch and the registry use them). */
export const LISTENER_IDS = {
  inventory: 'inventory',
  points: 'points',
  notification: 'notification',
  statusRelay: 'status-relay',
  statusTracker: 'status-tracker',
} as const;

export const QUEUES_PER_TOPIC = 8;
