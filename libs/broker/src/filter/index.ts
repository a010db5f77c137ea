/** Broker-side message filters: tag codes on the consume queue, SQL92 expressions on message properties. */
export * from './filter-errors.js';
export * from './java-values.js';
export * from './sql92-lexer.js';
export * from './sql92-ast.js';
export * from './sql92-parser.js';
export * from './sql92-evaluator.js';
export * from './sql92-filter.js';
export * from './tag-filter.js';
export * from './message-filter.js';
