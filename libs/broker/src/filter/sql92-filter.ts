/**
 * `compileSql92`: an SQL92 subscription expression compiled once and matched against each message's properties, as
 * the broker does at pull time (`ExpressionMessageFilter.isMatchedByCommitLog`). Compiled expressions and parse
 * failures are cached by expression, like Apache's `SelectorParser` cache (100 entries, least recently used
 * evicted).
 */
import { propertyNames, type Sql92Node } from './sql92-ast.js';
import { evaluateSql92, type PropertySource } from './sql92-evaluator.js';
import { parseSql92, SQL92_DEFAULT_MAX_DEPTH, SQL92_DEFAULT_MAX_LENGTH, type Sql92ParseOptions } from './sql92-parser.js';
import { Sql92EvaluationError, Sql92ParseError } from './filter-errors.js';

export interface CompiledFilter {
  readonly expression: string;
  /** The compiled tree. */
  readonly root: Sql92Node;
  /** The properties the expression reads (`TAGS` included when used). */
  readonly propertyNames: ReadonlySet<string>;
  /** TRUE, FALSE or null (unknown). Throws Sql92EvaluationError where Apache's evaluation throws. */
  evaluate(properties: PropertySource): boolean | null;
  /** True only when the expression evaluates to TRUE; unknown and evaluation errors do not match. */
  matches(properties: PropertySource): boolean;
}

class Sql92CompiledFilter implements CompiledFilter {
  readonly propertyNames: ReadonlySet<string>;

  constructor(
    readonly expression: string,
    readonly root: Sql92Node,
  ) {
    this.propertyNames = propertyNames(root);
  }

  evaluate(properties: PropertySource): boolean | null {
    const value = evaluateSql92(this.root, properties);
    if (value !== null && typeof value !== 'boolean') throw new Sql92EvaluationError('the expression did not give a boolean');
    return value;
  }

  matches(properties: PropertySource): boolean {
    try {
      return this.evaluate(properties) === true;
    } catch (e) {
      if (e instanceof Sql92EvaluationError) return false;
      throw e;
    }
  }
}

export const SQL92_CACHE_SIZE = 100;

const cache = new Map<string, CompiledFilter | Sql92ParseError>();

function cacheKey(expression: string, options: Sql92ParseOptions): string {
  const o = options;
  return `${o.dialect ?? '5.x'}|${o.strict ? 1 : 0}|${o.maxDepth ?? SQL92_DEFAULT_MAX_DEPTH}|${o.maxLength ?? SQL92_DEFAULT_MAX_LENGTH}|${expression}`;
}

/**
 * Compiles an SQL92 filter expression, from the cache when it was compiled before.
 * Throws Sql92ParseError (code SUBSCRIPTION_PARSE_FAILED) when Apache would refuse the expression.
 */
export function compileSql92(expression: string, options: Sql92ParseOptions = {}): CompiledFilter {
  const key = cacheKey(expression, options);
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key); // re-insert: most recently used last
  } else {
    try {
      entry = new Sql92CompiledFilter(expression, parseSql92(expression, options));
    } catch (e) {
      if (!(e instanceof Sql92ParseError)) throw e;
      entry = e;
    }
    if (cache.size >= SQL92_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, entry);
  if (entry instanceof Sql92ParseError) throw entry;
  return entry;
}

/** Empties the compiled-expression cache. */
export function clearSql92Cache(): void {
  cache.clear();
}

/** Number of cached expressions (compiled or failed). */
export function sql92CacheSize(): number {
  return cache.size;
}
