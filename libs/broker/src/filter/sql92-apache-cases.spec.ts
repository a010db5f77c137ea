/**
 * The cases of Apache RocketMQ's own filter tests (filter/src/test/java/org/apache/rocketmq/filter/ExpressionTest.java
 * and ParserTest.java, 5.x), restated as data. Apache's contexts sometimes hold Integer or Boolean values; message
 * properties are always strings on the broker, so those cases are given with string values (Apache's tests repeat
 * most of them "use string" themselves). Expected: true, false, null (unknown) or 'error' (evaluation throws).
 */
import { describe, expect, it } from '@jest/globals';
import { compileSql92, Sql92EvaluationError, Sql92ParseError } from './index.js';

type Outcome = boolean | null | 'error';
type Case = readonly [expression: string, properties: Record<string, string>, expected: Outcome];

function outcome(expression: string, properties: Record<string, string>): Outcome {
  const filter = compileSql92(expression);
  try {
    return filter.evaluate(properties);
  } catch (e) {
    if (e instanceof Sql92EvaluationError) return 'error';
    throw e;
  }
}

function runTable(cases: readonly Case[]): void {
  it.each(cases.map(([e, p, r]) => [e, JSON.stringify(p), r, p] as const))('%s with %s → %s', (expression, _shown, expected, properties) => {
    expect(outcome(expression, properties)).toBe(expected);
    expect(compileSql92(expression).matches(properties)).toBe(expected === true);
  });
}

const andExpression = 'a=3 and b<>4 And c>5 AND d<=4';
const orExpression = 'a=3 or b<>4 Or c>5 OR d<=4';
const inExpression = "a in ('3', '4', '5')";
const notInExpression = "a not in ('3', '4', '5')";
const betweenExpression = 'a between 2 and 10';
const notBetweenExpression = 'a not between 2 and 10';
const isNullExpression = 'a is null';
const isNotNullExpression = 'a is not null';
const equalExpression = "a is not null and a='hello'";
const booleanExpression = 'a=TRUE OR b=FALSE';
const nullOrExpression = "a is null OR a='hello'";
const stringHasString = "TAGS is not null and TAGS='''''tag'''''";

describe('Apache ExpressionTest: CONTAINS, STARTSWITH, ENDSWITH (5.x)', () => {
  runTable([
    ["value contains 'x'", { value: 'axb' }, true],
    ["value startswith 'ax'", { value: 'axb' }, true],
    ["value endswith 'xb'", { value: 'axb' }, true],
    ["value not contains 'x'", { value: 'axb' }, false],
    ["value not startswith 'ax'", { value: 'axb' }, false],
    ["value not endswith 'xb'", { value: 'axb' }, false],
    ["value contains 'x'", { value: 'abb' }, false],
    ["value startswith 'x'", { value: 'abb' }, false],
    ["value endswith 'x'", { value: 'abb' }, false],
    ["value not contains 'x'", { value: 'abb' }, true],
    ["value not startswith 'x'", { value: 'abb' }, true],
    ["value not endswith 'x'", { value: 'abb' }, true],
    ["value contains ''", { value: 'axb' }, false],
    ["value startswith ''", { value: 'axb' }, false],
    ["value endswith ''", { value: 'axb' }, false],
    ["value not contains ''", { value: 'axb' }, false],
    ["value not startswith ''", { value: 'axb' }, false],
    ["value not endswith ''", { value: 'axb' }, false],
    ["value contains 'x'", {}, false],
    ["value startswith 'x'", {}, false],
    ["value endswith 'x'", {}, false],
    ["value not contains 'x'", {}, false],
    ["value not startswith 'x'", {}, false],
    ["value not endswith 'x'", {}, false],
    ["'axb' contains 'x'", { whatever: 'whatever' }, true],
    ["'axb' startswith 'ax'", { whatever: 'whatever' }, true],
    ["'axb' endswith 'xb'", { whatever: 'whatever' }, true],
    ["'axb' not contains 'x'", { whatever: 'whatever' }, false],
    ["'axb' not startswith 'ax'", { whatever: 'whatever' }, false],
    ["'axb' not endswith 'xb'", { whatever: 'whatever' }, false],
    ["'axb' contains 'u'", { whatever: 'whatever' }, false],
    ["'axb' startswith 'u'", { whatever: 'whatever' }, false],
    ["'axb' endswith 'u'", { whatever: 'whatever' }, false],
    ["'axb' not contains 'u'", { whatever: 'whatever' }, true],
    ["'axb' not startswith 'u'", { whatever: 'whatever' }, true],
    ["'axb' not endswith 'u'", { whatever: 'whatever' }, true],
    ["'axb' contains ''", { whatever: 'whatever' }, false],
    ["'axb' startswith ''", { whatever: 'whatever' }, false],
    ["'axb' endswith ''", { whatever: 'whatever' }, false],
    ["'axb' not contains ''", { whatever: 'whatever' }, false],
    ["'axb' not startswith ''", { whatever: 'whatever' }, false],
    ["'axb' not endswith ''", { whatever: 'whatever' }, false],
    ["' ' contains ' '", { whatever: 'whatever' }, true],
    ["' ' startswith ' '", { whatever: 'whatever' }, true],
    ["' ' endswith ' '", { whatever: 'whatever' }, true],
    ["' ' not contains ' '", { whatever: 'whatever' }, false],
    ["' ' not startswith ' '", { whatever: 'whatever' }, false],
    ["' ' not endswith ' '", { whatever: 'whatever' }, false],
    ["'axb' contains '.'", { whatever: 'whatever' }, false],
    ["'axb' startswith '.'", { whatever: 'whatever' }, false],
    ["'axb' endswith '.'", { whatever: 'whatever' }, false],
    ["'axb' not contains '.'", { whatever: 'whatever' }, true],
    ["'axb' not startswith '.'", { whatever: 'whatever' }, true],
    ["'axb' not endswith '.'", { whatever: 'whatever' }, true],
    ["'s' contains '\\'", { whatever: 'whatever' }, false],
    ["'s' startswith '\\'", { whatever: 'whatever' }, false],
    ["'s' endswith '\\'", { whatever: 'whatever' }, false],
    ["a not in ('4', '4', '5') and b between 3 and 10 and c not contains 'axbc'", { a: '3', b: '3', c: 'axbdc' }, true],
    ["a not in ('4', '4', '5') and b between 3 and 10 and c not startswith 'axbc'", { a: '3', b: '3', c: 'axbdc' }, true],
    ["a not in ('4', '4', '5') and b between 3 and 10 and c not endswith 'axbc'", { a: '3', b: '3', c: 'axbdc' }, true],
  ]);

  it.each(['value contains x', 'value not contains x', 'value contains 123', 'value not contains 123', "'axb' contains ", "'axb' not contains "])(
    'refuses %j (the operand must be a string literal)',
    (expression) => {
      expect(() => compileSql92(expression)).toThrow(Sql92ParseError);
    },
  );
});

describe('Apache ExpressionTest: comparisons, logic, IN, BETWEEN, NULL', () => {
  runTable([
    [stringHasString, { TAGS: "''tag''" }, true],
    ['a between up and low', { a: '3.14' }, null],
    ['a between up and low', { a: '3.14', up: 'up', low: 'low' }, 'error'],
    ['key is not null and key between 0 and 100', { key: 'con' }, 'error'],
    ['a between 0 and 100', { a: 'abc' }, 'error'],
    ['a=b', { a: '3.14', b: '3.14' }, true],
    ['a<>b', { a: '3.14', b: '3.14' }, false],
    ['a<>b', { a: '3.14', b: '3.141' }, true],
    ['a > 3.1E10', { a: '3.1415E10' }, true],
    ['a > 3.14', { a: '3.1415' }, true],
    ['a > b', { a: '10', b: '20' }, false],
    ['a > b', { a: '20', b: '10' }, true],
    [nullOrExpression, {}, true],
    [nullOrExpression, { a: 'hello' }, true],
    [nullOrExpression, { a: 'abc' }, false],
    [booleanExpression, { a: 'true', b: 'false' }, true],
    [booleanExpression, { a: 'false', b: 'true' }, false],
    [equalExpression, { a: 'hello' }, true],
    [equalExpression, {}, false],
    [andExpression, { a: '3', b: '5', c: '6', d: '1' }, true],
    [andExpression, { a: '4', b: '5', c: '6', d: '1' }, false],
    [orExpression, { a: '3' }, true],
    [orExpression, { a: '4', b: '5' }, true],
    [orExpression, { a: '4', b: '4', c: '6' }, true],
    [orExpression, { a: '4', b: '4', c: '3', d: '2' }, true],
    [orExpression, { a: '4', b: '4', c: '3', d: '10' }, false],
    [inExpression, { a: '3' }, true],
    [inExpression, { a: '4' }, true],
    [inExpression, { a: '5' }, true],
    [inExpression, { a: '8' }, false],
    [notInExpression, { a: '8' }, true],
    [notInExpression, { a: '3' }, false],
    [notInExpression, { a: '4' }, false],
    [notInExpression, { a: '5' }, false],
    [betweenExpression, { a: '2' }, true],
    [betweenExpression, { a: '10' }, true],
    [betweenExpression, { a: '3' }, true],
    [betweenExpression, { a: '1' }, false],
    [betweenExpression, { a: '11' }, false],
    [notBetweenExpression, { a: '1' }, true],
    [notBetweenExpression, { a: '11' }, true],
    [notBetweenExpression, { a: '2' }, false],
    [notBetweenExpression, { a: '10' }, false],
    [notBetweenExpression, { a: '3' }, false],
    [isNullExpression, { abc: '2' }, true],
    [isNullExpression, { a: '2' }, false],
    [isNotNullExpression, { a: '2' }, true],
    [isNotNullExpression, { abc: '2' }, false],
  ]);
});

describe('Apache ParserTest', () => {
  it.each([
    andExpression,
    orExpression,
    inExpression,
    "(a not in ('6', '4', '5')) or (b in ('3', '4', '5'))",
    '(a between 2 and 10) AND (b not between 6 and 9)',
    'a is null',
    'a is not null',
    'a <= now',
    "a=3 and b contains 'xxx' and c not contains 'xxx'",
  ])('accepts %j', (expression) => {
    expect(compileSql92(expression)).toBeDefined();
  });

  it('refuses a BETWEEN without a left operand', () => {
    expect(() => compileSql92('a and between 2 and 10')).toThrow(Sql92ParseError);
  });

  it('refuses an integer literal beyond the long range', () => {
    expect(() => compileSql92('a > 100000000000000000000000')).toThrow(/out of the range of a long/);
  });

  it('refuses a float literal beyond the double range', () => {
    const digits = '111111111111111111111111111111111111111111111111111'.repeat(2048);
    expect(() => compileSql92(`a > 1${digits}.${digits}`)).toThrow(/greater than the largest double/);
  });

  it('refuses BETWEEN with a low bound above the high bound', () => {
    expect(() => compileSql92(' a between 10 and 0')).toThrow(/must be less than or equal/);
  });

  it('compiles expressions that differ only in white space to the same tree', () => {
    const a = compileSql92(andExpression).root;
    expect(compileSql92('a=3  and    b<>4 And c>5 AND d<=4').root).toEqual(a);
    expect(compileSql92(orExpression).root).not.toEqual(a);
  });
});
