/**
 * Evaluates a compiled SQL92 filter against one message's properties with the semantics of Apache's expression
 * classes (`FL/expression/*.java`): SQL three-valued logic with null for "unknown", and Java's conversions when a
 * string property meets a number or boolean. Where Java throws (a property that does not parse as the number it is
 * compared with, ordering two non-numeric strings), this throws Sql92EvaluationError; the error propagates through
 * AND/OR exactly as the Java exception does, so `x = 1 OR y = 'a'` fails as a whole when x is "abc".
 */
import { Sql92EvaluationError } from './filter-errors.js';
import {
  compareJava,
  compareJavaDoubles,
  describeJavaValue,
  javaDouble,
  javaInteger,
  javaLong,
  parseJavaDouble,
  type JavaNumber,
  type JavaValue,
} from './java-values.js';
import type { LogicNode, OrderingNode, Sql92Node, StringMatchNode } from './sql92-ast.js';

/** Message properties: a plain record (own keys only) or a map. */
export type PropertySource = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

function lookup(properties: PropertySource, name: string): string | null {
  if (properties instanceof Map) return (properties as ReadonlyMap<string, string>).get(name) ?? null;
  const record = properties as Readonly<Record<string, string>>;
  if (!Object.prototype.hasOwnProperty.call(record, name)) return null;
  const value = record[name];
  return typeof value === 'string' ? value : null;
}

/** Java's `(Boolean) value` cast inside AND, OR and NOT. */
function asBoolean(value: JavaValue): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  throw new Sql92EvaluationError(`${describeJavaValue(value)} is not a boolean`);
}

function negate(n: JavaNumber): JavaNumber {
  if (n.type === 'Integer') return javaInteger(-n.value);
  if (n.type === 'Long') return javaLong(-n.value);
  return javaDouble(-n.value);
}

function evaluateLogic(node: LogicNode, properties: PropertySource): boolean | null {
  const decisive = node.type === 'or'; // OR stops at TRUE, AND stops at FALSE
  let result = asBoolean(evaluateSql92(node.operands[0]!, properties));
  for (let i = 1; i < node.operands.length; i++) {
    if (result === decisive) return decisive;
    const next = asBoolean(evaluateSql92(node.operands[i]!, properties));
    if (next === decisive) return decisive;
    result = result === null || next === null ? null : !decisive;
  }
  return result;
}

function evaluateOrdering(node: OrderingNode, properties: PropertySource): boolean | null {
  const lv = evaluateSql92(node.left, properties);
  if (lv === null) return null;
  const rv = evaluateSql92(node.right, properties);
  if (rv === null) return null;
  let order: number;
  if (typeof lv === 'string' && typeof rv === 'string') {
    let l: number;
    let r: number;
    try {
      l = parseJavaDouble(lv);
      r = parseJavaDouble(rv);
    } catch (e) {
      throw new Sql92EvaluationError(
        `It's illegal to compare string by '${node.operator}' unless both are numbers: ${describeJavaValue(lv)}, ${describeJavaValue(rv)}`,
        undefined,
        { cause: e },
      );
    }
    order = compareJavaDoubles(l, r);
  } else {
    order = compareJava(lv, rv);
  }
  switch (node.operator) {
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

function evaluateStringMatch(node: StringMatchNode, properties: PropertySource): boolean {
  if (node.search.length === 0) return false;
  const value = evaluateSql92(node.operand, properties);
  if (typeof value !== 'string') return false;
  const found =
    node.operator === 'CONTAINS' ? value.includes(node.search) : node.operator === 'STARTSWITH' ? value.startsWith(node.search) : value.endsWith(node.search);
  return node.negated ? !found : found;
}

/** The Java value of `node`: TRUE/FALSE/null for boolean nodes. Throws Sql92EvaluationError where Java throws. */
export function evaluateSql92(node: Sql92Node, properties: PropertySource): JavaValue {
  switch (node.type) {
    case 'constant':
      return node.value;
    case 'property':
      return lookup(properties, node.name);
    case 'booleanCast': {
      const v = evaluateSql92(node.operand, properties);
      return v === null ? null : typeof v === 'boolean' ? v : false;
    }
    case 'negate': {
      const v = evaluateSql92(node.operand, properties);
      return v !== null && typeof v === 'object' ? negate(v) : null;
    }
    case 'not': {
      const v = asBoolean(evaluateSql92(node.operand, properties));
      return v === null ? null : !v;
    }
    case 'and':
    case 'or':
      return evaluateLogic(node, properties);
    case 'equal': {
      const lv = evaluateSql92(node.left, properties);
      const rv = evaluateSql92(node.right, properties);
      if (lv === null || rv === null) {
        if (lv === rv) return true;
        return lv === null ? null : false;
      }
      return compareJava(lv, rv) === 0;
    }
    case 'ordering':
      return evaluateOrdering(node, properties);
    case 'in': {
      const v = lookup(properties, node.property.name);
      if (v === null) return null;
      return node.values.has(v) !== node.negated;
    }
    case 'stringMatch':
      return evaluateStringMatch(node, properties);
  }
}
