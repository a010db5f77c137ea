/**
 * Tokens of RocketMQ's SQL92 filter grammar (`FL/parser/SelectorParser.jj`), produced on demand as JavaCC's token
 * manager does: the parser asks only for the tokens it looks at, so a lexical error after the end of the accepted
 * expression is reported only when the parser peeks at it. Longest match wins, keywords beat identifiers of the same
 * length, and where a longer candidate is not complete the longest complete one is taken (`0123` is `0` then `123`;
 * `--x` without a line break is `-` `-` `x`).
 */
import { Sql92ParseError } from './filter-errors.js';

export type Sql92Dialect = '4.9' | '5.x';

export type KeywordKind =
  | 'NOT'
  | 'AND'
  | 'OR'
  | 'BETWEEN'
  | 'IN'
  | 'TRUE'
  | 'FALSE'
  | 'NULL'
  | 'IS'
  | 'CONTAINS'
  | 'STARTSWITH'
  | 'ENDSWITH';

export type TokenKind =
  | KeywordKind
  | 'DECIMAL'
  | 'FLOAT'
  | 'STRING'
  | 'ID'
  | '='
  | '<>'
  | '>'
  | '>='
  | '<'
  | '<='
  | '('
  | ')'
  | ','
  | '+'
  | '-'
  | 'EOF';

export interface Token {
  readonly kind: TokenKind;
  /** The characters of the token as written. */
  readonly image: string;
  /** 0-based offset of the first character. */
  readonly offset: number;
  /** STRING only: the value with the quotes removed and `''` decoded. */
  readonly text?: string;
}

const KEYWORDS_49: ReadonlySet<string> = new Set(['NOT', 'AND', 'OR', 'BETWEEN', 'IN', 'TRUE', 'FALSE', 'NULL', 'IS']);
/** 5.1.3 added CONTAINS (#6864), STARTSWITH and ENDSWITH (#6915); in 4.9 they are ordinary identifiers. */
const KEYWORDS_5X: ReadonlySet<string> = new Set([...KEYWORDS_49, 'CONTAINS', 'STARTSWITH', 'ENDSWITH']);

export function keywordsOf(dialect: Sql92Dialect): ReadonlySet<string> {
  return dialect === '4.9' ? KEYWORDS_49 : KEYWORDS_5X;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
const isIdPart = (c: number): boolean => isIdStart(c) || isDigit(c);
/** SelectorParser's white space: space, tab, LF, CR, FF (no other Unicode spaces). */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

const SINGLE: Readonly<Record<string, TokenKind>> = { '=': '=', '(': '(', ')': ')', ',': ',', '+': '+', '-': '-' };

export class Sql92Lexer {
  private pos = 0;
  private readonly keywords: ReadonlySet<string>;

  constructor(
    readonly input: string,
    dialect: Sql92Dialect = '5.x',
  ) {
    this.keywords = keywordsOf(dialect);
  }

  /** The next token; throws Sql92ParseError on a character sequence no token or comment matches. */
  next(): Token {
    this.skipSpaceAndComments();
    const s = this.input;
    const start = this.pos;
    if (start >= s.length) return { kind: 'EOF', image: '', offset: start };
    const c = s.charCodeAt(start);
    if (isIdStart(c)) return this.identifier(start);
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(start + 1)))) return this.number(start);
    if (c === 39) return this.string(start);
    const ch = s[start]!;
    const two = s.slice(start, start + 2);
    if (two === '<>' || two === '<=' || two === '>=') return this.take(two as TokenKind, start, 2);
    if (ch === '<' || ch === '>') return this.take(ch, start, 1);
    const single = SINGLE[ch];
    if (single) return this.take(single, start, 1);
    throw new Sql92ParseError(`unexpected character ${JSON.stringify(String.fromCodePoint(s.codePointAt(start)!))}`, s, start);
  }

  private take(kind: TokenKind, offset: number, length: number): Token {
    this.pos = offset + length;
    return { kind, image: this.input.slice(offset, offset + length), offset };
  }

  private skipSpaceAndComments(): void {
    const s = this.input;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (isSpace(c)) {
        this.pos++;
      } else if (c === 45 && s.charCodeAt(this.pos + 1) === 45) {
        // LINE_COMMENT: "--" (~["\n","\r"])* ("\n"|"\r"|"\r\n"). Without a line break it is not complete, and the
        // longest complete match at this point is the "-" operator.
        let end = this.pos + 2;
        while (end < s.length && s.charCodeAt(end) !== 10 && s.charCodeAt(end) !== 13) end++;
        if (end >= s.length) return;
        end += s.charCodeAt(end) === 13 && s.charCodeAt(end + 1) === 10 ? 2 : 1;
        this.pos = end;
      } else if (c === 47 && s.charCodeAt(this.pos + 1) === 42) {
        const close = s.indexOf('*/', this.pos + 2);
        if (close < 0) throw new Sql92ParseError('unterminated /* comment', s, this.pos);
        this.pos = close + 2;
      } else {
        return;
      }
    }
  }

  private identifier(start: number): Token {
    const s = this.input;
    let end = start + 1;
    while (end < s.length && isIdPart(s.charCodeAt(end))) end++;
    const image = s.slice(start, end);
    const upper = image.toUpperCase();
    this.pos = end;
    return { kind: this.keywords.has(upper) ? (upper as KeywordKind) : 'ID', image, offset: start };
  }

  /**
   * DECIMAL_LITERAL: "0" | [1-9][0-9]* [lL]?
   * FLOATING_POINT_LITERAL: [0-9]+ "." [0-9]* EXP? | "." [0-9]+ EXP? | [0-9]+ EXP, with EXP: [eE] [+-]? [0-9]+
   */
  private number(start: number): Token {
    const s = this.input;
    const digitsEnd = (from: number): number => {
      let i = from;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      return i;
    };
    const exponentEnd = (from: number): number => {
      const c = s.charCodeAt(from);
      if (c !== 101 && c !== 69) return from;
      let i = from + 1;
      if (s[i] === '+' || s[i] === '-') i++;
      const end = digitsEnd(i);
      return end > i ? end : from;
    };
    const intEnd = digitsEnd(start);
    let decimalEnd = -1;
    if (intEnd > start) {
      if (s[start] === '0') decimalEnd = start + 1;
      else decimalEnd = intEnd < s.length && (s[intEnd] === 'l' || s[intEnd] === 'L') ? intEnd + 1 : intEnd;
    }
    let floatEnd = -1;
    if (s[intEnd] === '.') {
      const fracEnd = digitsEnd(intEnd + 1);
      if (intEnd > start || fracEnd > intEnd + 1) floatEnd = exponentEnd(fracEnd);
    } else if (intEnd > start) {
      const e = exponentEnd(intEnd);
      if (e > intEnd) floatEnd = e;
    }
    if (floatEnd > decimalEnd) return this.take('FLOAT', start, floatEnd - start);
    return this.take('DECIMAL', start, decimalEnd - start);
  }

  /** STRING_LITERAL: "'" ( "''" | ~["'"] )* "'" */
  private string(start: number): Token {
    const s = this.input;
    let text = '';
    let i = start + 1;
    // The end of the longest complete literal seen so far: a "''" read as an escape could also have closed it.
    let lastComplete = -1;
    let textAtLastComplete = '';
    while (i < s.length) {
      const q = s.indexOf("'", i);
      if (q < 0) break;
      text += s.slice(i, q);
      if (s.charCodeAt(q + 1) === 39) {
        lastComplete = q + 1;
        textAtLastComplete = text;
        text += "'";
        i = q + 2;
        continue;
      }
      this.pos = q + 1;
      return { kind: 'STRING', image: s.slice(start, q + 1), offset: start, text };
    }
    if (lastComplete < 0) throw new Sql92ParseError('unterminated string literal', s, start);
    this.pos = lastComplete;
    return { kind: 'STRING', image: s.slice(start, lastComplete), offset: start, text: textAtLastComplete };
  }
}
