import { describe, expect, it } from '@jest/globals';
import { ResponseCode, RocketMQError } from '@app/rocketmq/protocol';
import { clearSql92Cache, compileSql92, sql92CacheSize, Sql92EvaluationError, Sql92ParseError, SQL92_CACHE_SIZE, type Sql92ParseOptions } from './index.js';

type Outcome = boolean | null | 'error';
type Case = readonly [expression: string, properties: Record<string, string>, expected: Outcome];

function outcome(expression: string, properties: Record<string, string>, options?: Sql92ParseOptions): Outcome {
  const filter = compileSql92(expression, options);
  try {
    return filter.evaluate(properties);
  } catch (e) {
    if (e instanceof Sql92EvaluationError) return 'error';
    throw e;
  }
}

function runTable(cases: readonly Case[], options?: Sql92ParseOptions): void {
  it.each(cases.map(([e, p, r]) => [e, JSON.stringify(p), r, p] as const))('%s with %s → %s', (expression, _shown, expected, properties) => {
    expect(outcome(expression, properties, options)).toBe(expected);
    expect(compileSql92(expression, options).matches(properties)).toBe(expected === true);
  });
}

function parseError(expression: string, options?: Sql92ParseOptions): Sql92ParseError {
  try {
    compileSql92(expression, options);
  } catch (e) {
    if (e instanceof Sql92ParseError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be refused`);
}

describe('precedence: OR < AND < = <> IS < > >= < <= BETWEEN IN CONTAINS < prefix + - NOT', () => {
  runTable([
    ["a = '1' OR b = '1' AND c = '1'", { a: '1' }, true],
    ["a = '1' OR b = '1' AND c = '1'", { a: '0', b: '1', c: '2' }, false],
    ["a = '1' OR b = '1' AND c = '1'", { b: '1', c: '2' }, null],
    ["a = '1' OR b = '1' AND c = '1'", { b: '1', c: '1' }, true],
    ["(a = '1' OR b = '1') AND c = '1'", { a: '1', c: '2' }, false],
    ["(a = '1' OR b = '1') AND c = '1'", { a: '1' }, null],
    ['a > 1 = TRUE', { a: '2' }, true],
    ['a = 1 = TRUE', { a: '1' }, true],
    ['a IS NULL = TRUE', {}, true],
    ["a = 'x' IS NULL", {}, true],
    // Prefix NOT binds tighter than =: (NOT a) = 'x' compares a boolean with a string, which throws in Java.
    ["NOT a = 'x'", { a: 'x' }, 'error'],
    ["NOT a = 'x'", {}, null],
    ["NOT (a = 'x')", { a: 'y' }, true],
    ["NOT (a = 'x')", { a: 'x' }, false],
    ['NOT NOT TRUE', {}, true],
    ['- - 1 = 1', {}, true],
    ['+ a = 1', { a: '1' }, true],
    ['a BETWEEN 1 AND 3 AND b = 1', { a: '2', b: '1' }, true],
    ['a BETWEEN 1 AND 3 AND b = 1', { a: '4', b: '1' }, false],
  ]);

  it('refuses ordering a NOT (NOT a > 1 is (NOT a) > 1)', () => {
    expect(parseError('NOT a > 1').reason).toMatch(/cannot be compared with >/);
  });
});

describe('null (unknown) semantics', () => {
  runTable([
    ["a = 'x'", {}, null],
    // Apache's doCreateEqual: only a null LEFT side gives unknown; a null right side gives FALSE.
    ["'x' = a", {}, false],
    ["a <> 'x'", {}, null],
    ["'x' <> a", {}, true],
    ['a = b', {}, true],
    ['a > 1', {}, null],
    ['1 < a', {}, null],
    ['NOT (a > 1)', {}, null],
    ['a > 1 OR TRUE', {}, true],
    ['a > 1 OR FALSE', {}, null],
    ['a > 1 AND FALSE', {}, false],
    ['a > 1 AND TRUE', {}, null],
    ['FALSE AND a > 1', {}, false],
    ['TRUE OR a > 1', {}, true],
    ['a > 1 OR b > 1', { b: '2' }, true],
    ['a > 1 AND b > 1', { b: '0' }, false],
    ['TRUE', {}, true],
    ['FALSE', {}, false],
    ['NULL', {}, null],
    ['NOT NULL', {}, null],
    ['NULL IS NULL', {}, true],
    ['NULL OR TRUE', {}, true],
    ['NULL AND FALSE', {}, false],
    ["a IN ('x')", {}, null],
    ["a NOT IN ('x')", {}, null],
    ["a NOT CONTAINS 'x'", {}, false],
    ["NOT (a NOT CONTAINS 'x')", {}, true],
    ['a BETWEEN 1 AND 2', {}, null],
    ['a NOT BETWEEN 1 AND 2', {}, null],
    ['-a IS NULL', { a: '1' }, true],
    // A property used as a boolean: unknown when missing, FALSE otherwise (a string is never a Boolean).
    ['a', {}, null],
    ['a', { a: 'true' }, false],
    ['NOT a', { a: 'x' }, true],
    ['NOT a', {}, null],
    ['a OR b', { a: 'true', b: 'true' }, false],
  ]);

  it('looks up own properties only', () => {
    expect(outcome('constructor IS NULL', {})).toBe(true);
    expect(outcome('toString IS NOT NULL', {})).toBe(false);
  });

  it('accepts a Map of properties', () => {
    const filter = compileSql92("a = 'x' AND b > 1");
    expect(filter.matches(new Map([['a', 'x'], ['b', '2']]))).toBe(true);
    expect(filter.matches(new Map([['a', 'x']]))).toBe(false);
  });
});

describe('numbers against string properties (Java ComparisonExpression conversions)', () => {
  runTable([
    // An Integer literal parses the property with Integer.valueOf: no spaces, no fraction, int range.
    ['a = 1', { a: '1' }, true],
    ['a = 1', { a: '01' }, true],
    ['a = 1', { a: '+1' }, true],
    ['a = 1', { a: '2' }, false],
    ['a = 1', { a: ' 1' }, 'error'],
    ['a = 1', { a: '1.0' }, 'error'],
    ['a = 1', { a: 'abc' }, 'error'],
    ['a > 1', { a: '1.5' }, 'error'],
    ['a > 2147483647', { a: '2147483648' }, 'error'],
    ['1 = a', { a: '1' }, true],
    ['a = 5L', { a: '5' }, true],
    ['a = 0', { a: '-0' }, true],
    ['a = -1', { a: '-1' }, true],
    // A Long literal (beyond the int range) parses with Long.valueOf.
    ['a = 2147483648', { a: '2147483648' }, true],
    ['a > 2147483648', { a: '2147483649' }, true],
    ['a < 9223372036854775807', { a: '9223372036854775807' }, false],
    ['a = 9223372036854775807', { a: '9223372036854775808' }, 'error'],
    // A Double literal parses with Double.valueOf: trimmed, exponent, NaN, Infinity, d/f suffix.
    ['a = 1.0', { a: '1' }, true],
    ['a = 1.0', { a: ' 1 ' }, true],
    ['a = 1.0', { a: '1e0' }, true],
    ['a = 1.0', { a: '1d' }, true],
    ['a = 1E2', { a: '100' }, true],
    ['a > 1.0', { a: '1.5' }, true],
    ['a > 1.0', { a: 'NaN' }, true],
    ['a = 1.0', { a: 'NaN' }, false],
    ['a < 1.0', { a: '-Infinity' }, true],
    ['a > -1.5', { a: '-1' }, true],
    ['a > .5', { a: '0.6' }, true],
    ['a = 1.0', { a: '1,0' }, 'error'],
    // Integer and Double literals meet: the Integer is widened.
    ['a BETWEEN 1 AND 2.5', { a: '2' }, true],
    ['a BETWEEN 1 AND 2.5', { a: '2.2' }, 'error'],
    ['1 = 1.0', {}, true],
    ['2147483648 > 1', {}, true],
    ['1.5 > 1', {}, true],
    // Two strings: = and <> compare the text; ordering parses both as doubles or fails.
    ["a = '1'", { a: '1.0' }, false],
    ['a = b', { a: '1', b: '1.0' }, false],
    ['a > b', { a: '2', b: '1.5' }, true],
    ['a > b', { a: 'x', b: '1' }, 'error'],
    ['a >= b', { a: ' 2 ', b: '2' }, true],
    // Booleans: a string property is read with Boolean.valueOf; a boolean left of a string throws.
    ['a = TRUE', { a: 'TRUE' }, true],
    ['a = TRUE', { a: 'yes' }, false],
    ['a = FALSE', { a: 'yes' }, true],
    ['TRUE = a', { a: 'true' }, 'error'],
    ['TRUE = a', {}, false],
    ["'true' = (a = 'x')", { a: 'x' }, true],
    ['(a = 1) = 1', { a: '1' }, false],
    ['1 <> (a = 1)', { a: '1' }, true],
    // Unary minus gives null for anything but a number.
    ['-a = 1', { a: '-1' }, null],
    ["-'1' IS NULL", {}, true],
    // An error anywhere the evaluation reaches fails the whole expression, as the Java exception does.
    ["a = 1 OR b = 'x'", { a: 'abc', b: 'x' }, 'error'],
    ["b = 'x' OR a = 1", { a: 'abc', b: 'x' }, true],
    ['a = 1 AND b = 1', { a: '2', b: 'abc' }, false],
  ]);
});

describe('every operator', () => {
  runTable([
    ["a = 'x'", { a: 'x' }, true],
    ["a <> 'x'", { a: 'y' }, true],
    ['a > 1', { a: '2' }, true],
    ['a > 1', { a: '1' }, false],
    ['a >= 1', { a: '1' }, true],
    ['a < 1', { a: '0' }, true],
    ['a < 1', { a: '1' }, false],
    ['a <= 1', { a: '1' }, true],
    ['a BETWEEN 1 AND 1', { a: '1' }, true],
    ['a BETWEEN -5 AND 5', { a: '-1' }, true],
    // Apache checks the order of constant bounds only; -5 is a negation, not a constant.
    ['a BETWEEN 5 AND -5', { a: '0' }, false],
    ['a NOT BETWEEN 1 AND 3', { a: '0' }, true],
    // NOT BETWEEN has no order check at all.
    ['a NOT BETWEEN 10 AND 0', { a: '5' }, true],
    ["a IN ('x', 'y')", { a: 'y' }, true],
    ["a IN ('a''b')", { a: "a'b" }, true],
    ["a IN ('1')", { a: '1.0' }, false],
    ["(a) IN ('x')", { a: 'x' }, true],
    ["a IN ('1','2','3','4','5','6','7')", { a: '7' }, true],
    ["a NOT IN ('x', 'y')", { a: 'z' }, true],
    ['a IS NULL', {}, true],
    ['a IS NOT NULL', { a: '' }, true],
    ["a CONTAINS 'b'", { a: 'abc' }, true],
    ["a STARTSWITH 'ab'", { a: 'abc' }, true],
    ["a ENDSWITH 'bc'", { a: 'abc' }, true],
    ["a NOT CONTAINS 'z'", { a: 'abc' }, true],
    ["a NOT STARTSWITH 'b'", { a: 'abc' }, true],
    ["a NOT ENDSWITH 'c'", { a: 'abc' }, false],
    ["1 CONTAINS '1'", {}, false],
    ["a = 'x' AND b = 'y'", { a: 'x', b: 'y' }, true],
    ["a = 'x' OR b = 'y'", { b: 'y' }, true],
    ["NOT (a = 'x')", { a: 'y' }, true],
    ["TAGS = 'TagA'", { TAGS: 'TagA' }, true],
    ["TAGS IN ('TagA', 'TagB') AND price > 100", { TAGS: 'TagB', price: '150' }, true],
    ["a Is NoT nUlL aNd b In ('x')", { a: '1', b: 'x' }, true],
    ["A = 'x'", { a: 'x' }, null],
    ["$a_1 = 'x'", { $a_1: 'x' }, true],
    ["a = 'multi\nline'", { a: 'multi\nline' }, true],
    ["a = 'é€😀'", { a: 'é€😀' }, true],
  ]);
});

describe('comments and what follows the expression', () => {
  runTable([
    ["a = 1 -- first\nAND b = 'x'", { a: '1', b: 'x' }, true],
    ['a = /* one */ 1', { a: '1' }, true],
    ['a = --1\n2', { a: '2' }, true],
    // Like Apache, the parser stops after the longest expression and ignores the rest.
    ['a = 1 b = 2', { a: '1' }, true],
    ['a = 1 )', { a: '1' }, true],
    ['a = 0123', { a: '0' }, true],
    ['a = 1 --no line break', { a: '1' }, true],
    ['a = 1 b #', { a: '1' }, true],
    // Apache removed ActiveMQ's hex and octal literals: 0x1F is 0 then x1F, 010 is 0 then 10.
    ['a = 0x1F', { a: '0' }, true],
    ['a = 010', { a: '0' }, true],
    // and LIKE: `a LIKE 'x%'` is the bare property a (a boolean cast, never TRUE) and the rest is ignored.
    ["a LIKE 'x%'", { a: 'xy' }, false],
  ]);

  it.each(['a = 1 NOT', 'a = 1 IS', 'a = 1 #', 'a = 1 /* open'])('refuses %j: the next token is read', (expression) => {
    expect(() => compileSql92(expression)).toThrow(Sql92ParseError);
  });

  it('refuses any leftover input in strict mode', () => {
    expect(parseError('a = 1 b = 2', { strict: true })).toMatchObject({ offset: 6 });
    expect(parseError('a = 0123', { strict: true })).toMatchObject({ offset: 5 });
    expect(parseError("a LIKE 'x%'", { strict: true }).reason).toMatch(/unexpected "LIKE" after the end of the expression/);
    expect(compileSql92('a = 1 -- done\n', { strict: true }).matches({ a: '1' })).toBe(true);
  });
});

describe('dialects: 4.9 has no CONTAINS, STARTSWITH, ENDSWITH', () => {
  it('reads them as property names in 4.9', () => {
    expect(outcome("contains = 'x'", { contains: 'x' }, { dialect: '4.9' })).toBe(true);
    expect(() => compileSql92("contains = 'x'")).toThrow(Sql92ParseError);
  });

  it('parses a 5.x CONTAINS expression in 4.9 as the bare property before it, which never matches', () => {
    expect(outcome("a contains 'x'", { a: 'x' }, { dialect: '4.9' })).toBe(false);
    expect(() => compileSql92("a contains 'x'", { dialect: '4.9', strict: true })).toThrow(Sql92ParseError);
    expect(parseError("a not contains 'x'", { dialect: '4.9' }).reason).toMatch(/expected BETWEEN or IN after NOT/);
  });
});

describe('parse errors', () => {
  it('carries SUBSCRIPTION_PARSE_FAILED and the position', () => {
    const e = parseError("a = 1 AND\n  b ! 'x'");
    expect(e).toBeInstanceOf(RocketMQError);
    expect(e.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(e.code).toBe(23);
    expect(e).toMatchObject({ offset: 14, line: 2, column: 5 });
    expect(e.message).toContain('line 2, column 5');
  });

  it.each([
    ['', 0, /expected a literal.*end of input/],
    ['a = ', 4, /end of input/],
    ['a = (1', 6, /expected \)/],
    ["a = 'abc", 4, /unterminated string/],
    ['a = 1 /* x', 6, /unterminated \/\* comment/],
    ['a.b = 1', 1, /unexpected character "\."/],
    ['a != 1', 2, /unexpected character "!"/],
    ['a == 1', 3, /expected a literal/],
    ['a and between 2 and 10', 6, /found "between"/],
    ['a = NULL', 2, /NULL cannot be compared/],
    ['NULL <> a', 5, /NULL cannot be compared/],
    ["a > 'x'", 2, /'x' cannot be compared with >/],
    ['a >= TRUE', 2, /TRUE cannot be compared/],
    ['a < (b = 1)', 2, /boolean expression cannot be compared/],
    ["TRUE = 'x'", 5, /TRUE cannot be compared with 'x'/],
    ['TRUE = 1', 5, /cannot be compared/],
    ['1', 0, /1 is not a boolean expression/],
    ["'abc'", 0, /is not a boolean expression/],
    ['-a', 0, /not a boolean expression/],
    ['a AND 1', 6, /not a boolean expression/],
    ['NOT 1', 4, /not a boolean expression/],
    ['a BETWEEN 10 AND 0', 2, /low bound of BETWEEN \(10\) must be less than or equal to the high bound \(0\)/],
    ['a BETWEEN NULL AND 1', 2, /cannot be NULL/],
    ["a BETWEEN 'a' AND 'b'", 2, /'a' cannot be compared/],
    ["a BETWEEN 'x' AND 5", 2, /cannot be compared/],
    ['a BETWEEN 1 OR 2', 12, /expected AND between the bounds/],
    ["'x' IN ('x')", 4, /IN needs a property/],
    ['a IN (1)', 6, /expected a string literal/],
    ['a IN ()', 6, /expected a string literal/],
    ["a IN ('x'", 9, /expected , or \)/],
    ['a NOT = 1', 6, /expected BETWEEN, IN, CONTAINS, STARTSWITH or ENDSWITH after NOT/],
    ['a IS 1', 5, /expected NULL or NOT NULL after IS/],
    ['a IS NOT 1', 9, /expected NULL after IS NOT/],
    ['a > 9223372036854775808', 4, /out of the range of a long/],
    ['a > -9223372036854775808', 5, /out of the range of a long/],
    ['a > 1e400', 4, /greater than the largest double/],
    ['a > 0.0', 4, /Apache refuses zero/],
    ['a > 1e-400', 4, /smallest positive double/],
  ])('refuses %j at offset %d', (expression, offset, reason) => {
    const e = parseError(expression);
    expect(e.offset).toBe(offset);
    expect(e.reason).toMatch(reason);
  });

  it('accepts the largest long and Apache-valid literal forms', () => {
    expect(outcome('a = 9223372036854775807', { a: '9223372036854775807' })).toBe(true);
    expect(outcome('a = 5.', { a: '5' })).toBe(true);
    expect(outcome('a = 5e1', { a: '50' })).toBe(true);
    expect(outcome('a = 1.5E+1', { a: '15' })).toBe(true);
    expect(outcome("'x' = TRUE", {})).toBe(false);
  });
});

describe('limits', () => {
  it('refuses nesting deeper than maxDepth with a clear error instead of overflowing the stack', () => {
    for (const n of [101, 1_000, 50_000]) {
      expect(parseError(`${'('.repeat(n)}a = 1${')'.repeat(n)}`).reason).toMatch(/nested deeper than 100 levels/);
      expect(parseError(`${'NOT '.repeat(n)}a`).reason).toMatch(/nested deeper than 100 levels/);
    }
    expect(parseError(`${'- '.repeat(200)}1 = 1`).reason).toMatch(/nested deeper/);
    expect(parseError(`a = 1${' = TRUE'.repeat(150)}`).reason).toMatch(/nested deeper/);
  });

  it('accepts nesting up to maxDepth', () => {
    expect(outcome(`${'('.repeat(90)}a = 1${')'.repeat(90)}`, { a: '1' })).toBe(true);
    expect(outcome(`${'NOT '.repeat(98)}TRUE`, {})).toBe(true);
    expect(outcome(`${'('.repeat(150)}TRUE${')'.repeat(150)}`, {}, { maxDepth: 200 })).toBe(true);
  });

  it('evaluates a long flat OR chain without deep recursion', () => {
    const n = 10_000;
    const expression = Array.from({ length: n }, (_, i) => `a = '${i}'`).join(' OR ');
    const filter = compileSql92(expression);
    expect(filter.root.type).toBe('or');
    expect(filter.matches({ a: String(n - 1) })).toBe(true);
    expect(filter.matches({ a: 'x' })).toBe(false);
    const nested = `(${Array.from({ length: 50 }, () => `(a = '1' AND b = '2')`).join(' AND ')}) AND (c IS NULL)`;
    expect(compileSql92(nested).matches({ a: '1', b: '2' })).toBe(true);
  });

  it('refuses an expression longer than maxLength', () => {
    expect(parseError(`a IN (${"'x',".repeat(70_000)}'y')`).reason).toMatch(/longer than 262144 characters/);
    expect(parseError("a = 'xxxxxxxx'", { maxLength: 8 })).toMatchObject({ offset: 8 });
  });
});

describe('compiled expression cache', () => {
  it('returns the same compiled filter for the same expression and options', () => {
    clearSql92Cache();
    const a = compileSql92("a = 'cache'");
    expect(compileSql92("a = 'cache'")).toBe(a);
    expect(compileSql92("a = 'cache'", { dialect: '4.9' })).not.toBe(a);
    expect(a.propertyNames).toEqual(new Set(['a']));
  });

  it('caches failures too', () => {
    const e = parseError('a = = 1');
    expect(parseError('a = = 1')).toBe(e);
  });

  it(`keeps at most ${SQL92_CACHE_SIZE} expressions, evicting the least recently used`, () => {
    clearSql92Cache();
    const first = compileSql92('x0 = 1');
    for (let i = 1; i < SQL92_CACHE_SIZE; i++) compileSql92(`x${i} = 1`);
    expect(compileSql92('x0 = 1')).toBe(first); // touched: now most recent
    compileSql92('overflow = 1');
    expect(sql92CacheSize()).toBe(SQL92_CACHE_SIZE);
    expect(compileSql92('x0 = 1')).toBe(first);
    const x1 = compileSql92('x1 = 1'); // x1 was evicted and is compiled anew
    expect(x1).not.toBe(undefined);
    clearSql92Cache();
    expect(sql92CacheSize()).toBe(0);
  });
});
