import { describe, expect, it } from '@jest/globals';
import {
  compareJava,
  compareJavaDoubles,
  javaDouble,
  javaInteger,
  javaLong,
  JavaNumberFormatError,
  parseJavaBoolean,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  Sql92EvaluationError,
} from './index.js';

describe('Integer.valueOf / Long.valueOf', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['+7', 7],
    ['007', 7],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['١٢', 12], // Arabic-Indic digits: Character.digit accepts any decimal digit
    ['１２', 12], // fullwidth digits
  ])('parses %j as the int %d', (s, n) => {
    expect(parseJavaInt(s)).toBe(n);
  });

  it.each(['', '+', '-', ' 1', '1 ', '1.0', '1e3', '0x10', '2147483648', '-2147483649', '1L', '１٢x'])('refuses %j as an int', (s) => {
    expect(() => parseJavaInt(s)).toThrow(JavaNumberFormatError);
  });

  it('parses the long range and no further', () => {
    expect(parseJavaLong('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJavaLong('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(() => parseJavaLong('9223372036854775808')).toThrow(JavaNumberFormatError);
    expect(() => parseJavaLong('1'.repeat(10_000))).toThrow(JavaNumberFormatError);
  });
});

describe('Double.valueOf', () => {
  it.each([
    ['1', 1],
    [' 1.5 ', 1.5],
    ['\t2\n', 2],
    ['5.', 5],
    ['.5', 0.5],
    ['-1e3', -1000],
    ['1E+2', 100],
    ['1.5d', 1.5],
    ['2f', 2],
    ['5.D', 5],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['+Infinity', Infinity],
    ['0x10p0', 16],
    ['0x1.8p1', 3],
    ['-0x.8p0', -0.5],
    ['1e400', Infinity],
  ])('parses %j as %d', (s, n) => {
    expect(parseJavaDouble(s)).toBe(n);
  });

  it('parses NaN and negative zero', () => {
    expect(parseJavaDouble('NaN')).toBeNaN();
    expect(parseJavaDouble('-NaN')).toBeNaN();
    expect(Object.is(parseJavaDouble('-0'), -0)).toBe(true);
  });

  it.each(['', ' ', '.', 'e5', '1e', '1.5.5', 'nan', 'infinity', 'NaNd', '1,5', '0x10', '1 2', '١', '1dd', '--1'])('refuses %j', (s) => {
    expect(() => parseJavaDouble(s)).toThrow(JavaNumberFormatError);
  });
});

describe('Boolean.valueOf', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['tRuE', true],
    ['yes', false],
    ['1', false],
    [' true', false],
  ])('reads %j as %s', (s, b) => {
    expect(parseJavaBoolean(s)).toBe(b);
  });
});

describe('Double.compare', () => {
  it('orders -0.0 before 0.0 and NaN after everything, equal to itself', () => {
    expect(compareJavaDoubles(-0, 0)).toBe(-1);
    expect(compareJavaDoubles(0, -0)).toBe(1);
    expect(compareJavaDoubles(NaN, Infinity)).toBe(1);
    expect(compareJavaDoubles(Infinity, NaN)).toBe(-1);
    expect(compareJavaDoubles(NaN, NaN)).toBe(0);
    expect(compareJavaDoubles(1, 2)).toBe(-1);
  });
});

describe('ComparisonExpression.__compare', () => {
  it('widens Integer to Long to Double', () => {
    expect(compareJava(javaInteger(1), javaLong(2n))).toBe(-1);
    expect(compareJava(javaLong(3n), javaInteger(2))).toBe(1);
    expect(compareJava(javaInteger(1), javaDouble(1))).toBe(0);
    expect(compareJava(javaDouble(1.5), javaLong(1n))).toBe(1);
  });

  it('parses a string as the class of the other side', () => {
    expect(compareJava('10', javaInteger(9))).toBe(1);
    expect(compareJava(javaInteger(9), '10')).toBe(-1);
    expect(compareJava('1.5', javaDouble(1.5))).toBe(0);
    expect(compareJava('true', true)).toBe(0);
    expect(() => compareJava('1.5', javaInteger(1))).toThrow(JavaNumberFormatError);
  });

  it('throws for a boolean left of a string and orders other mismatches as less', () => {
    expect(() => compareJava(true, 'true')).toThrow(Sql92EvaluationError);
    expect(compareJava(true, javaInteger(1))).toBe(-1);
    expect(compareJava(javaInteger(1), true)).toBe(-1);
  });

  it('compares strings by UTF-16 code units', () => {
    expect(compareJava('a', 'b')).toBe(-1);
    expect(compareJava('\uffff', '😀')).toBe(1);
  });
});
