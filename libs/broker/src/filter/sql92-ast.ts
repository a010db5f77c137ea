/**
 * The compiled form of an SQL92 filter: one node per Java expression class of `FL/expression/` that
 * `SelectorParser` builds, so evaluation can follow Java's semantics node by node. Derived forms are expanded as Java
 * expands them: `a <> b` is NOT(a = b), `a IS NOT NULL` is NOT(a IS NULL), `a BETWEEN x AND y` is
 * (a >= x) AND (a <= y), `a NOT BETWEEN x AND y` is (a < x) OR (a > y). Chains of AND / OR are flattened into one
 * node (three-valued AND and OR are associative and evaluate left to right either way), which keeps long
 * `x OR y OR z …` lists shallow.
 */
import type { JavaValue } from './java-values.js';

/** A literal (`ConstantExpression`; TRUE, FALSE and NULL are `BooleanConstantExpression`). */
export interface ConstantNode {
  readonly type: 'constant';
  readonly value: JavaValue;
}

/** A message property (`PropertyExpression`); a missing property is null. */
export interface PropertyNode {
  readonly type: 'property';
  readonly name: string;
}

/** A property used where a boolean is required (`UnaryExpression.createBooleanCast`): null when missing, else FALSE unless the value is a Boolean, which a property never is. */
export interface BooleanCastNode {
  readonly type: 'booleanCast';
  readonly operand: PropertyNode;
}

/** Unary minus: negates a number, null for anything else. */
export interface NegateNode {
  readonly type: 'negate';
  readonly operand: Sql92Node;
}

/** NOT: TRUE ↔ FALSE, null stays null. */
export interface NotNode {
  readonly type: 'not';
  readonly operand: Sql92Node;
}

/** Three-valued AND / OR over two or more operands, evaluated left to right with short-circuit. */
export interface LogicNode {
  readonly type: 'and' | 'or';
  readonly operands: readonly Sql92Node[];
}

/** `=` and `IS NULL` (`doCreateEqual`): null when only the left side is null, FALSE when only the right side is. */
export interface EqualNode {
  readonly type: 'equal';
  readonly left: Sql92Node;
  readonly right: Sql92Node;
}

export type OrderingOperator = '>' | '>=' | '<' | '<=';

/** `>`, `>=`, `<`, `<=`: null if either side is null; two strings are compared as doubles or fail. */
export interface OrderingNode {
  readonly type: 'ordering';
  readonly operator: OrderingOperator;
  readonly left: Sql92Node;
  readonly right: Sql92Node;
}

/** `IN` / `NOT IN` over string literals; the left side is always a property. */
export interface InNode {
  readonly type: 'in';
  readonly property: PropertyNode;
  readonly values: ReadonlySet<string>;
  readonly negated: boolean;
}

export type StringMatchOperator = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';

/** 5.x `CONTAINS`, `STARTSWITH`, `ENDSWITH` and their NOT forms: FALSE (never null) for an empty search, a null or a non-string. */
export interface StringMatchNode {
  readonly type: 'stringMatch';
  readonly operator: StringMatchOperator;
  readonly negated: boolean;
  readonly operand: Sql92Node;
  readonly search: string;
}

export type Sql92Node =
  | ConstantNode
  | PropertyNode
  | BooleanCastNode
  | NegateNode
  | NotNode
  | LogicNode
  | EqualNode
  | OrderingNode
  | InNode
  | StringMatchNode;

/** Java's `BooleanExpression`: the nodes whose value is TRUE, FALSE or null. */
export function isBooleanNode(node: Sql92Node): boolean {
  switch (node.type) {
    case 'constant':
      return node.value === null || typeof node.value === 'boolean';
    case 'property':
    case 'negate':
      return false;
    default:
      return true;
  }
}

/** Names of the properties an expression reads. */
export function propertyNames(root: Sql92Node): Set<string> {
  const names = new Set<string>();
  const stack: Sql92Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    switch (node.type) {
      case 'property':
        names.add(node.name);
        break;
      case 'booleanCast':
      case 'negate':
      case 'not':
      case 'stringMatch':
        stack.push(node.operand);
        break;
      case 'in':
        stack.push(node.property);
        break;
      case 'and':
      case 'or':
        for (const operand of node.operands) stack.push(operand);
        break;
      case 'equal':
      case 'ordering':
        stack.push(node.left, node.right);
        break;
      case 'constant':
        break;
    }
  }
  return names;
}
