/**
 * A recursive-descent parser for RocketMQ's SQL92 filter grammar (`FL/parser/SelectorParser.jj`), with the checks
 * the Java expression factories make while the tree is built (`ComparisonExpression.create*`,
 * `ConstantExpression.createFromDecimal/createFloat`, `SelectorParser.asBooleanExpression`).
 *
 * Precedence, lowest first: OR; AND; `=` `<>` `IS [NOT] NULL`; `>` `>=` `<` `<=` `[NOT] BETWEEN` `[NOT] IN`
 * `[NOT] CONTAINS|STARTSWITH|ENDSWITH`; prefix `+` `-` `NOT`; literals, properties and parentheses. Prefix NOT binds
 * tighter than comparisons, as in Apache: `NOT a = 'x'` is `(NOT a) = 'x'`; write `NOT (a = 'x')`.
 *
 * Like Apache, the parser stops after the longest expression it can read and ignores what follows (`a = 1 b` is
 * `a = 1`), unless `strict` is set.
 */
import { compareJava, javaDouble, javaInteger, javaLong, type JavaValue } from './java-values.js';
import { Sql92EvaluationError, Sql92ParseError } from './filter-errors.js';
import { Sql92Lexer, type Sql92Dialect, type Token, type TokenKind } from './sql92-lexer.js';
import {
  isBooleanNode,
  type ConstantNode,
  type LogicNode,
  type OrderingOperator,
  type PropertyNode,
  type Sql92Node,
  type StringMatchOperator,
} from './sql92-ast.js';

export interface Sql92ParseOptions {
  /** Grammar to accept: '5.x' (default, 5.1.3 and later) or '4.9' (CONTAINS, STARTSWITH, ENDSWITH are identifiers). */
  dialect?: Sql92Dialect;
  /** Deepest nesting of parentheses, prefix operators and tree levels (default 100); deeper input is refused. */
  maxDepth?: number;
  /** Longest expression accepted, in UTF-16 code units (default 262 144). */
  maxLength?: number;
  /** Refuse input left over after the expression; Apache ignores it (default false). */
  strict?: boolean;
}

export const SQL92_DEFAULT_MAX_DEPTH = 100;
export const SQL92_DEFAULT_MAX_LENGTH = 256 * 1024;

const LONG_MAX = 2n ** 63n - 1n;
const INT_MAX = 2n ** 31n - 1n;

const NULL_CONSTANT: ConstantNode = { type: 'constant', value: null };
const TRUE_CONSTANT: ConstantNode = { type: 'constant', value: true };
const FALSE_CONSTANT: ConstantNode = { type: 'constant', value: false };

const ORDERING: ReadonlySet<TokenKind> = new Set(['>', '>=', '<', '<=']);
const STRING_MATCH: ReadonlySet<TokenKind> = new Set(['CONTAINS', 'STARTSWITH', 'ENDSWITH']);

/** Parses `expression` into a tree; throws Sql92ParseError where Apache's `SelectorParser.parse` throws. */
export function parseSql92(expression: string, options: Sql92ParseOptions = {}): Sql92Node {
  return new Sql92Parser(expression, options).parse();
}

function describeToken(t: Token): string {
  return t.kind === 'EOF' ? 'end of input' : JSON.stringify(t.image);
}

function describeNode(node: Sql92Node): string {
  if (node.type === 'constant') {
    const v: JavaValue = node.value;
    if (v === null) return 'NULL';
    if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    return String(v.value);
  }
  if (node.type === 'property') return `property ${node.name}`;
  if (node.type === 'negate') return 'a negated value';
  return 'a boolean expression';
}

class Sql92Parser {
  private readonly lexer: Sql92Lexer;
  private readonly ahead: Token[] = [];
  private readonly depths = new WeakMap<Sql92Node, number>();
  private readonly maxDepth: number;
  private readonly strict: boolean;
  private readonly dialect: Sql92Dialect;
  private nesting = 0;

  constructor(
    private readonly input: string,
    options: Sql92ParseOptions,
  ) {
    this.dialect = options.dialect ?? '5.x';
    this.lexer = new Sql92Lexer(input, this.dialect);
    this.maxDepth = options.maxDepth ?? SQL92_DEFAULT_MAX_DEPTH;
    this.strict = options.strict ?? false;
    const maxLength = options.maxLength ?? SQL92_DEFAULT_MAX_LENGTH;
    if (input.length > maxLength) this.fail(`the expression is longer than ${maxLength} characters`, maxLength);
  }

  parse(): Sql92Node {
    const first = this.peek();
    const node = this.orExpression();
    if (this.strict && this.peek().kind !== 'EOF') {
      this.fail(`unexpected ${describeToken(this.peek())} after the end of the expression`, this.peek().offset);
    }
    return this.asBoolean(node, first);
  }

  // ---- tokens -------------------------------------------------------------------------------------------------

  private peek(k = 0): Token {
    while (this.ahead.length <= k) this.ahead.push(this.lexer.next());
    return this.ahead[k]!;
  }

  private consume(): Token {
    const t = this.peek();
    this.ahead.shift();
    return t;
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(`expected ${what} but found ${describeToken(t)}`, t.offset);
    return this.consume();
  }

  private fail(reason: string, offset: number): never {
    throw new Sql92ParseError(reason, this.input, offset);
  }

  // ---- tree building with Apache's checks ----------------------------------------------------------------------

  private depthOf(node: Sql92Node): number {
    return this.depths.get(node) ?? 1;
  }

  private build<T extends Sql92Node>(node: T, at: Token, children: readonly Sql92Node[]): T {
    let depth = 0;
    for (const child of children) depth = Math.max(depth, this.depthOf(child));
    if (depth + 1 > this.maxDepth) this.fail(`the expression is nested deeper than ${this.maxDepth} levels`, at.offset);
    this.depths.set(node, depth + 1);
    return node;
  }

  /** `SelectorParser.asBooleanExpression`: a boolean expression, or a property read as a boolean. */
  private asBoolean(node: Sql92Node, at: Token): Sql92Node {
    if (isBooleanNode(node)) return node;
    if (node.type === 'property') return this.build({ type: 'booleanCast', operand: node }, at, [node]);
    return this.fail(`${describeNode(node)} is not a boolean expression`, at.offset);
  }

  private logic(type: LogicNode['type'], operands: Sql92Node[], at: Token): Sql92Node {
    const flat: Sql92Node[] = [];
    for (const operand of operands) {
      if (operand.type === type) for (const inner of operand.operands) flat.push(inner);
      else flat.push(operand);
    }
    return this.build({ type, operands: flat }, at, flat);
  }

  private not(operand: Sql92Node, at: Token): Sql92Node {
    return this.build({ type: 'not', operand }, at, [operand]);
  }

  /** `checkEqualOperand` and `checkEqualOperandCompatability`, then `doCreateEqual`. */
  private equal(left: Sql92Node, right: Sql92Node, at: Token): Sql92Node {
    for (const side of [left, right]) {
      if (side.type === 'constant' && side.value === null) this.fail('NULL cannot be compared with = or <>; use IS NULL or IS NOT NULL', at.offset);
    }
    if (left.type === 'constant' && right.type === 'constant' && typeof left.value === 'boolean' && typeof right.value !== 'boolean') {
      this.fail(`${describeNode(left)} cannot be compared with ${describeNode(right)}`, at.offset);
    }
    return this.build({ type: 'equal', left, right }, at, [left, right]);
  }

  private isNull(left: Sql92Node, at: Token): Sql92Node {
    return this.build({ type: 'equal', left, right: NULL_CONSTANT }, at, [left]);
  }

  /** `checkLessThanOperand`: only numbers and non-boolean expressions can be ordered. */
  private ordering(operator: OrderingOperator, left: Sql92Node, right: Sql92Node, at: Token): Sql92Node {
    for (const side of [left, right]) {
      const isNumberConstant = side.type === 'constant' && side.value !== null && typeof side.value === 'object';
      if ((side.type === 'constant' && !isNumberConstant) || (side.type !== 'constant' && isBooleanNode(side))) {
        this.fail(`${describeNode(side)} cannot be compared with ${operator}; only numbers can`, at.offset);
      }
    }
    return this.build({ type: 'ordering', operator, left, right }, at, [left, right]);
  }

  /** `createBetween`: two constant bounds must be non-null and in order. */
  private between(value: Sql92Node, low: Sql92Node, high: Sql92Node, at: Token): Sql92Node {
    if (low.type === 'constant' && high.type === 'constant') {
      if (low.value === null || high.value === null) this.fail('the bounds of BETWEEN cannot be NULL', at.offset);
      let order: number;
      try {
        order = compareJava(high.value, low.value);
      } catch (e) {
        if (e instanceof Sql92EvaluationError) this.fail(`the bounds of BETWEEN cannot be compared: ${e.message}`, at.offset);
        throw e;
      }
      if (order < 0) {
        this.fail(`the low bound of BETWEEN (${describeNode(low)}) must be less than or equal to the high bound (${describeNode(high)})`, at.offset);
      }
    }
    return this.logic('and', [this.ordering('>=', value, low, at), this.ordering('<=', value, high, at)], at);
  }

  /** `createNotBetween`: no order check on the bounds, as in Apache. */
  private notBetween(value: Sql92Node, low: Sql92Node, high: Sql92Node, at: Token): Sql92Node {
    return this.logic('or', [this.ordering('<', value, low, at), this.ordering('>', value, high, at)], at);
  }

  private inList(left: Sql92Node, values: string[], negated: boolean, at: Token): Sql92Node {
    if (left.type !== 'property') this.fail(`IN needs a property on its left, not ${describeNode(left)}`, at.offset);
    const property: PropertyNode = left;
    return this.build({ type: 'in', property, values: new Set(values), negated }, at, [left]);
  }

  private stringMatch(operand: Sql92Node, operator: StringMatchOperator, negated: boolean, search: string, at: Token): Sql92Node {
    return this.build({ type: 'stringMatch', operator, negated, operand, search }, at, [operand]);
  }

  // ---- grammar ------------------------------------------------------------------------------------------------

  private orExpression(): Sql92Node {
    return this.logicChain('OR', 'or', () => this.andExpression());
  }

  private andExpression(): Sql92Node {
    return this.logicChain('AND', 'and', () => this.equalityExpression());
  }

  private logicChain(keyword: 'OR' | 'AND', type: LogicNode['type'], operand: () => Sql92Node): Sql92Node {
    const firstToken = this.peek();
    const first = operand();
    if (this.peek().kind !== keyword) return first;
    const operands: Sql92Node[] = [];
    let at = this.peek();
    while (this.peek().kind === keyword) {
      at = this.consume();
      const rightToken = this.peek();
      const right = operand();
      if (operands.length === 0) operands.push(this.asBoolean(first, firstToken));
      operands.push(this.asBoolean(right, rightToken));
    }
    return this.logic(type, operands, at);
  }

  private equalityExpression(): Sql92Node {
    let left = this.comparisonExpression();
    for (;;) {
      const t = this.peek();
      if (t.kind === '=' || t.kind === '<>') {
        this.consume();
        const right = this.comparisonExpression();
        const eq = this.equal(left, right, t);
        left = t.kind === '=' ? eq : this.not(eq, t);
      } else if (t.kind === 'IS') {
        if (this.peek(1).kind === 'NULL') {
          this.consume();
          this.consume();
          left = this.isNull(left, t);
        } else {
          this.consume();
          this.expect('NOT', 'NULL or NOT NULL after IS');
          this.expect('NULL', 'NULL after IS NOT');
          left = this.not(this.isNull(left, t), t);
        }
      } else {
        return left;
      }
    }
  }

  private comparisonExpression(): Sql92Node {
    let left = this.unaryExpression();
    for (;;) {
      const t = this.peek();
      if (ORDERING.has(t.kind)) {
        this.consume();
        left = this.ordering(t.kind as OrderingOperator, left, this.unaryExpression(), t);
      } else if (STRING_MATCH.has(t.kind)) {
        this.consume();
        left = this.stringMatch(left, t.kind as StringMatchOperator, false, this.stringLiteral(t.kind), t);
      } else if (t.kind === 'BETWEEN') {
        this.consume();
        const [low, high] = this.betweenBounds();
        left = this.between(left, low, high, t);
      } else if (t.kind === 'IN') {
        this.consume();
        left = this.inList(left, this.stringList(), false, t);
      } else if (t.kind === 'NOT') {
        const next = this.peek(1);
        if (STRING_MATCH.has(next.kind)) {
          this.consume();
          this.consume();
          left = this.stringMatch(left, next.kind as StringMatchOperator, true, this.stringLiteral(`NOT ${next.kind}`), t);
        } else if (next.kind === 'BETWEEN') {
          this.consume();
          this.consume();
          const [low, high] = this.betweenBounds();
          left = this.notBetween(left, low, high, t);
        } else if (next.kind === 'IN') {
          this.consume();
          this.consume();
          left = this.inList(left, this.stringList(), true, t);
        } else {
          const allowed = this.dialect === '5.x' ? 'BETWEEN, IN, CONTAINS, STARTSWITH or ENDSWITH' : 'BETWEEN or IN';
          this.fail(`expected ${allowed} after NOT but found ${describeToken(next)}`, next.offset);
        }
      } else {
        return left;
      }
    }
  }

  private betweenBounds(): [Sql92Node, Sql92Node] {
    const low = this.unaryExpression();
    this.expect('AND', 'AND between the bounds of BETWEEN');
    return [low, this.unaryExpression()];
  }

  private stringLiteral(after: string): string {
    return this.expect('STRING', `a string literal after ${after}`).text!;
  }

  private stringList(): string[] {
    this.expect('(', '( after IN');
    const values = [this.stringLiteral('IN (')];
    while (this.peek().kind === ',') {
      this.consume();
      values.push(this.stringLiteral(','));
    }
    this.expect(')', ', or ) in the IN list');
    return values;
  }

  private unaryExpression(): Sql92Node {
    const t = this.peek();
    if (t.kind === '+' || t.kind === '-' || t.kind === 'NOT') {
      this.consume();
      this.enter(t);
      const operandToken = this.peek();
      const operand = this.unaryExpression();
      this.nesting--;
      if (t.kind === '+') return operand;
      if (t.kind === '-') return this.build({ type: 'negate', operand }, t, [operand]);
      return this.not(this.asBoolean(operand, operandToken), t);
    }
    return this.primaryExpression();
  }

  private primaryExpression(): Sql92Node {
    const t = this.peek();
    switch (t.kind) {
      case 'STRING':
        this.consume();
        return { type: 'constant', value: t.text! };
      case 'DECIMAL':
        this.consume();
        return this.decimal(t);
      case 'FLOAT':
        this.consume();
        return this.float(t);
      case 'TRUE':
        this.consume();
        return TRUE_CONSTANT;
      case 'FALSE':
        this.consume();
        return FALSE_CONSTANT;
      case 'NULL':
        this.consume();
        return NULL_CONSTANT;
      case 'ID':
        this.consume();
        return { type: 'property', name: t.image };
      case '(': {
        this.consume();
        this.enter(t);
        const inner = this.orExpression();
        this.expect(')', ')');
        this.nesting--;
        return inner;
      }
      default:
        return this.fail(`expected a literal, a property, NOT, + , - or ( but found ${describeToken(t)}`, t.offset);
    }
  }

  private enter(t: Token): void {
    if (++this.nesting > this.maxDepth) this.fail(`the expression is nested deeper than ${this.maxDepth} levels`, t.offset);
  }

  /** `ConstantExpression.createFromDecimal`: a Long, narrowed to Integer when it fits. */
  private decimal(t: Token): ConstantNode {
    const digits = /[lL]$/.test(t.image) ? t.image.slice(0, -1) : t.image;
    const value = BigInt(digits);
    if (value > LONG_MAX) this.fail(`${t.image} is out of the range of a long (at most ${LONG_MAX})`, t.offset);
    return { type: 'constant', value: value <= INT_MAX ? javaInteger(Number(value)) : javaLong(value) };
  }

  /** `ConstantExpression.createFloat`: a finite, strictly positive Double (Apache refuses 0.0 and underflow). */
  private float(t: Token): ConstantNode {
    const value = Number(t.image);
    if (value === Infinity) this.fail(`${t.image} is greater than the largest double (1.7976931348623157E308)`, t.offset);
    if (value < Number.MIN_VALUE) {
      this.fail(`${t.image} is less than the smallest positive double (4.9E-324); Apache refuses zero as a float literal, write 0`, t.offset);
    }
    return { type: 'constant', value: javaDouble(value) };
  }
}
