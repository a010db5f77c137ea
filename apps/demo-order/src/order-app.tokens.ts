/** Injection tokens of values built before the Nest app (configuration, database). */
export const ORDER_CONFIG = Symbol('ORDER_CONFIG');
export const ORDER_DATABASE = Symbol('ORDER_DATABASE');
