/**
 * The Java values an SQL92 filter computes with, and the conversions of `ComparisonExpression.__compare`
 * (`FL/expression/ComparisonExpression.java`): message properties are `String`s, literals are `Integer`, `Long`,
 * `Double`, `String` or `Boolean`, and a missing property is `null`. Numbers carry their Java class because the
 * class decides how a string is converted (`Integer.valueOf` fails on "1.5", `Double.valueOf` does not).
 */
import { Sql92EvaluationError } from './filter-errors.js';

export type JavaNumber =
  | { readonly type: 'Integer'; readonly value: number }
  | { readonly type: 'Long'; readonly value: bigint }
  | { readonly type: 'Double'; readonly value: number };

export type JavaValue = string | boolean | JavaNumber | null;

export const javaInteger = (value: number): JavaNumber => ({ type: 'Integer', value: value | 0 });
export const javaLong = (value: bigint): JavaNumber => ({ type: 'Long', value: BigInt.asIntN(64, value) });
export const javaDouble = (value: number): JavaNumber => ({ type: 'Double', value });

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java `NumberFormatException`: the message is not delivered. */
export class JavaNumberFormatError extends Sql92EvaluationError {
  override name = 'JavaNumberFormatError';
}

export type JavaClass = 'String' | 'Boolean' | 'Integer' | 'Long' | 'Double';

export function javaClassOf(v: Exclude<JavaValue, null>): JavaClass {
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  return v.type;
}

export function describeJavaValue(v: JavaValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v.value);
}

// Decimal digits as Java's Character.digit(char, 10) sees them: any BMP character of category Nd. Nd characters come
// in runs of ten starting at zero, so a digit's value is its distance from the start of its run, modulo 10.
const ND = /^\p{Nd}$/u;
function decimalDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code < 128 || code > 0xffff || (code >= 0xd800 && code <= 0xdfff)) return -1;
  if (!ND.test(String.fromCharCode(code))) return -1;
  let start = code;
  while (ND.test(String.fromCharCode(start - 1))) start--;
  return (code - start) % 10;
}

/** `Long.parseLong(s)` bounded by [min, max]: optional sign, then decimal digits; no spaces, no suffix. */
function parseJavaIntegral(s: string, min: bigint, max: bigint, what: string): bigint {
  let i = 0;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    i = 1;
  }
  if (i >= s.length) throw new JavaNumberFormatError(`For input string: "${s}" (not ${what})`);
  let value = 0n;
  for (; i < s.length; i++) {
    const d = decimalDigit(s.charCodeAt(i));
    if (d < 0) throw new JavaNumberFormatError(`For input string: "${s}" (not ${what})`);
    value = value * 10n + BigInt(d);
    if (value > max + 1n) break;
  }
  if (negative) value = -value;
  if (value < min || value > max || i < s.length) throw new JavaNumberFormatError(`For input string: "${s}" (out of ${what} range)`);
  return value;
}

/** `Integer.valueOf(String)`. */
export function parseJavaInt(s: string): number {
  return Number(parseJavaIntegral(s, INT_MIN, INT_MAX, 'an int'));
}

/** `Long.valueOf(String)`. */
export function parseJavaLong(s: string): bigint {
  return parseJavaIntegral(s, LONG_MIN, LONG_MAX, 'a long');
}

const DECIMAL_FLOAT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const HAS_SUFFIX = /[fFdD]$/;
const HEX_FLOAT = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?|([0-9a-fA-F]*)\.([0-9a-fA-F]+))[pP]([+-]?\d+)[fFdD]?$/;

/**
 * `Double.valueOf(String)` (`FloatingDecimal.readJavaFormatString`): surrounding characters <= U+0020 are trimmed;
 * accepts `NaN`, `Infinity`, decimal with optional exponent and a trailing f/F/d/D, and hexadecimal `0x1.8p3`.
 */
export function parseJavaDouble(input: string): number {
  let start = 0;
  let end = input.length;
  while (start < end && input.charCodeAt(start) <= 32) start++;
  while (end > start && input.charCodeAt(end - 1) <= 32) end--;
  const s = input.slice(start, end);
  if (DECIMAL_FLOAT.test(s)) {
    const body = HAS_SUFFIX.test(s) ? s.slice(0, -1) : s;
    if (body.endsWith('NaN')) return NaN;
    if (body.endsWith('Infinity')) return body.startsWith('-') ? -Infinity : Infinity;
    return Number(body);
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    const [, sign, intOnly, intPart, fracPart, exp] = hex;
    const intDigits = intOnly ?? intPart ?? '';
    const fracDigits = fracPart ?? '';
    const mantissa = BigInt(`0x${intDigits + fracDigits || '0'}`);
    // Approximate for mantissas beyond 53 bits or results in the subnormal range (Java rounds once, exactly).
    const value = Number(mantissa) * 2 ** (Number(exp) - 4 * fracDigits.length);
    return sign === '-' ? -value : value;
  }
  throw new JavaNumberFormatError(`For input string: "${input}" (not a double)`);
}

/** `Boolean.valueOf(String)`: true only for "true" in any case. */
export function parseJavaBoolean(s: string): boolean {
  return s.length === 4 && s.toLowerCase() === 'true';
}

/** `Double.compare`: -0.0 < 0.0, NaN equals itself and is greater than every other value. */
export function compareJavaDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  if (a === 0 && b === 0) {
    const aNeg = Object.is(a, -0);
    const bNeg = Object.is(b, -0);
    return aNeg === bNeg ? 0 : aNeg ? -1 : 1;
  }
  return 0;
}

function compareSameClass(lv: Exclude<JavaValue, null>, rv: Exclude<JavaValue, null>): number {
  if (typeof lv === 'string') {
    const r = rv as string;
    return lv < r ? -1 : lv > r ? 1 : 0; // String.compareTo: UTF-16 code units, as JS compares
  }
  if (typeof lv === 'boolean') return lv === rv ? 0 : lv ? 1 : -1;
  const r = rv as JavaNumber;
  if (lv.type === 'Long') {
    const b = r.value as bigint;
    return lv.value < b ? -1 : lv.value > b ? 1 : 0;
  }
  if (lv.type === 'Double') return compareJavaDoubles(lv.value, r.value as number);
  const b = r.value as number;
  return lv.value < b ? -1 : lv.value > b ? 1 : 0;
}

function toDouble(v: JavaNumber): JavaNumber {
  return javaDouble(Number(v.value));
}

/**
 * `ComparisonExpression.__compare(lv, rv, convertStringExpressions = true)`: when the classes differ, the narrower
 * number is widened (Integer → Long → Double) and a String is parsed as the class of the other side
 * (`Integer.valueOf`, `Long.valueOf`, `Double.valueOf`, `Boolean.valueOf`); a parse failure throws. A Boolean on the
 * left against a String throws (Java's ClassCastException); other mismatches compare as -1 ("less").
 */
export function compareJava(left: Exclude<JavaValue, null>, right: Exclude<JavaValue, null>): number {
  let lv = left;
  let rv = right;
  const lc = javaClassOf(lv);
  const rc = javaClassOf(rv);
  if (lc !== rc) {
    switch (lc) {
      case 'Boolean':
        if (rc === 'String') {
          throw new Sql92EvaluationError(`Cannot compare boolean ${describeJavaValue(lv)} with string ${describeJavaValue(rv)}`);
        }
        return -1;
      case 'Integer':
      case 'Long':
      case 'Double': {
        const ln = lv as JavaNumber;
        if (rc === 'String') {
          const s = rv as string;
          rv = lc === 'Integer' ? javaInteger(parseJavaInt(s)) : lc === 'Long' ? javaLong(parseJavaLong(s)) : javaDouble(parseJavaDouble(s));
        } else if (rc === 'Boolean') {
          return -1;
        } else {
          const rn = rv as JavaNumber;
          if (ln.type === 'Double' || rn.type === 'Double') {
            lv = toDouble(ln);
            rv = toDouble(rn);
          } else {
            lv = javaLong(BigInt(ln.value));
            rv = javaLong(BigInt(rn.value));
          }
        }
        break;
      }
      case 'String': {
        const s = lv as string;
        if (rc === 'Boolean') lv = parseJavaBoolean(s);
        else if (rc === 'Integer') lv = javaInteger(parseJavaInt(s));
        else if (rc === 'Long') lv = javaLong(parseJavaLong(s));
        else lv = javaDouble(parseJavaDouble(s));
        break;
      }
    }
  }
  return compareSameClass(lv, rv);
}
