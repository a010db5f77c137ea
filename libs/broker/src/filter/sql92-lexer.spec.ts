import { describe, expect, it } from '@jest/globals';
import { Sql92Lexer, Sql92ParseError, type Sql92Dialect, type Token } from './index.js';

const VALUED = new Set(['ID', 'DECIMAL', 'FLOAT', 'STRING']);

function tokens(input: string, dialect: Sql92Dialect = '5.x'): string[] {
  const lexer = new Sql92Lexer(input, dialect);
  const out: string[] = [];
  for (let t: Token = lexer.next(); t.kind !== 'EOF'; t = lexer.next()) out.push(VALUED.has(t.kind) ? `${t.kind}:${t.text ?? t.image}` : t.kind);
  return out;
}

describe('SQL92 lexer', () => {
  it('reads keywords in any case, identifiers and operators', () => {
    expect(tokens('a Is nOt NULL and B<>1 OR c<=2 >= < > = ( ) , + -')).toEqual([
      'ID:a',
      'IS',
      'NOT',
      'NULL',
      'AND',
      'ID:B',
      '<>',
      'DECIMAL:1',
      'OR',
      'ID:c',
      '<=',
      'DECIMAL:2',
      '>=',
      '<',
      '>',
      '=',
      '(',
      ')',
      ',',
      '+',
      '-',
    ]);
  });

  it('keeps the longest identifier over a keyword prefix', () => {
    expect(tokens('notes iN_ $in _and1')).toEqual(['ID:notes', 'ID:iN_', 'ID:$in', 'ID:_and1']);
  });

  it('reads CONTAINS, STARTSWITH, ENDSWITH as keywords in 5.x and identifiers in 4.9', () => {
    expect(tokens('contains StartsWith ENDSWITH')).toEqual(['CONTAINS', 'STARTSWITH', 'ENDSWITH']);
    expect(tokens('contains StartsWith ENDSWITH', '4.9')).toEqual(['ID:contains', 'ID:StartsWith', 'ID:ENDSWITH']);
  });

  it('reads numbers as Apache does: longest complete literal', () => {
    expect(tokens('0 7 12L 12l 5. .5 5.5e10 5E-3 1e')).toEqual([
      'DECIMAL:0',
      'DECIMAL:7',
      'DECIMAL:12L',
      'DECIMAL:12l',
      'FLOAT:5.',
      'FLOAT:.5',
      'FLOAT:5.5e10',
      'FLOAT:5E-3',
      'DECIMAL:1',
      'ID:e',
    ]);
    expect(tokens('0123 0L 0.5 0x1F 1.5.5')).toEqual(['DECIMAL:0', 'DECIMAL:123', 'DECIMAL:0', 'ID:L', 'FLOAT:0.5', 'DECIMAL:0', 'ID:x1F', 'FLOAT:1.5', 'FLOAT:.5']);
  });

  it("decodes '' in string literals and keeps the longest complete literal", () => {
    expect(tokens("'it''s' '' ''''")).toEqual(["STRING:it's", 'STRING:', "STRING:'"]);
    const lexer = new Sql92Lexer("'abc''");
    expect(lexer.next()).toMatchObject({ kind: 'STRING', text: 'abc', offset: 0 });
    expect(() => lexer.next()).toThrow(expect.objectContaining({ offset: 5 }));
  });

  it('skips white space and comments; a line comment needs a line break', () => {
    expect(tokens(' \t\r\n\fa -- c\r\nb /* x * y **/ c --d\rd')).toEqual(['ID:a', 'ID:b', 'ID:c', 'ID:d']);
    expect(tokens('a --x')).toEqual(['ID:a', '-', '-', 'ID:x']);
  });

  it('reports the first character no token matches, only when that token is read', () => {
    const lexer = new Sql92Lexer('a # b');
    expect(lexer.next()).toMatchObject({ kind: 'ID', image: 'a' });
    let error: unknown;
    try {
      lexer.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Sql92ParseError);
    expect(error).toMatchObject({ offset: 2, line: 1, column: 3 });
    for (const bad of ['\u00a0', 'é', '"', '!', '.', '\v', '😀']) expect(() => tokens(bad)).toThrow(/unexpected character/);
  });
});
