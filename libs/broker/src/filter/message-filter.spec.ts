import { describe, expect, it } from '@jest/globals';
import { javaStringHashCode, ResponseCode, tagsCode } from '@app/rocketmq/protocol';
import { createMessageFilter, createTagFilter, Sql92ParseError } from './index.js';

const code = javaStringHashCode;

describe('tag filter', () => {
  it.each(['*', '', undefined])('matches every tags code and tag for %j', (sub) => {
    const f = createTagFilter(sub);
    expect(f.subscribesAll).toBe(true);
    expect(f.matchesTagsCode(code('TagA'))).toBe(true);
    expect(f.matchesTagsCode(0)).toBe(true);
    expect(f.matchesTag(undefined)).toBe(true);
  });

  it('matches the hash codes of A || B, trimmed, empty tags dropped', () => {
    const f = createTagFilter(' TagA ||  || TagB ');
    expect(f.subscribesAll).toBe(false);
    expect([...f.tags]).toEqual(['TagA', 'TagB']);
    expect(f.codes).toEqual(new Set([code('TagA'), code('TagB')]));
    expect(f.matchesTagsCode(code('TagA'))).toBe(true);
    expect(f.matchesTagsCode(code('TagB'))).toBe(true);
    expect(f.matchesTagsCode(code('TagC'))).toBe(false);
    expect(f.matchesTagsCode(tagsCode(undefined))).toBe(false); // a message without tags has code 0
    expect(f.matchesTagsCode(undefined)).toBe(true); // no code at all: Java's null tagsCode passes
  });

  it('lets hash collisions through on the tags code and removes them on the exact tag', () => {
    expect(code('Aa')).toBe(code('BB'));
    const f = createTagFilter('Aa');
    expect(f.matchesTagsCode(code('BB'))).toBe(true);
    expect(f.matchesTag('BB')).toBe(false);
    expect(f.matchesTag('Aa')).toBe(true);
    expect(f.matchesTag(undefined)).toBe(false);
  });

  it('compares the low 32 bits of the stored code, as Java intValue() does', () => {
    const f = createTagFilter('TagA');
    expect(f.matchesTagsCode(code('TagA') + 2 ** 32)).toBe(true);
  });

  it('treats only an exact * as all', () => {
    const f = createTagFilter(' * ');
    expect(f.subscribesAll).toBe(false);
    expect(f.matchesTagsCode(code('*'))).toBe(true);
    expect(f.matchesTagsCode(code('TagA'))).toBe(false);
  });

  it("uses the client's code set when given", () => {
    const f = createTagFilter('TagA', [code('TagX')]);
    expect(f.matchesTagsCode(code('TagX'))).toBe(true);
    expect(f.matchesTagsCode(code('TagA'))).toBe(false);
  });
});

describe('message filter', () => {
  it('decides TAG subscriptions on the tags code alone', () => {
    const f = createMessageFilter({ expressionType: 'TAG', subString: 'TagA || TagB' });
    expect(f.needsProperties).toBe(false);
    expect(f.matchesTagsCode(code('TagB'))).toBe(true);
    expect(f.matchesTagsCode(code('TagC'))).toBe(false);
    expect(f.matchesProperties({})).toBe(true);
  });

  it('passes every tags code for SQL92 and decides on the properties, TAGS included', () => {
    const f = createMessageFilter({ expressionType: 'SQL92', subString: "TAGS = 'TagA' AND price BETWEEN 10 AND 20" });
    expect(f.needsProperties).toBe(true);
    expect(f.matchesTagsCode(code('TagZ'))).toBe(true);
    expect(f.matchesProperties({ TAGS: 'TagA', price: '15' })).toBe(true);
    expect(f.matchesProperties({ TAGS: 'TagB', price: '15' })).toBe(false);
    expect(f.matchesProperties({ TAGS: 'TagA' })).toBe(false); // unknown
    expect(f.matchesProperties({ TAGS: 'TagA', price: 'cheap' })).toBe(false); // evaluation error
  });

  it('refuses an invalid SQL92 expression with SUBSCRIPTION_PARSE_FAILED', () => {
    for (const subString of ['a = ', '', 'price > 0.0']) {
      let error: unknown;
      try {
        createMessageFilter({ expressionType: 'SQL92', subString });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Sql92ParseError);
      expect((error as Sql92ParseError).code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    }
  });
});
