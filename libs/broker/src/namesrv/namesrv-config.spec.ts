import { describe, expect, it } from '@jest/globals';
import { applyNamesrvProperties, defaultNamesrvConfig, namesrvConfigToProperties, NamesrvConfigError, parseProperties } from './namesrv-config.js';

describe('name server configuration text', () => {
  it('reads Java properties: separators, comments, escapes and continuation lines', () => {
    const props = parseProperties('# comment\n! also\na=1\nb : two\nc three\nd=x\\\n  y\ne=C:\\\\dir\\u0041\n\n');
    expect(Object.fromEntries(props)).toEqual({ a: '1', b: 'two', c: 'three', d: 'xy', e: 'C:\\dirA' });
  });

  it('writes one sorted key=value line per setting and reads it back', () => {
    const config = defaultNamesrvConfig();
    const text = namesrvConfigToProperties(config);
    expect(text.split('\n').filter(Boolean).map((l) => l.split('=')[0])).toEqual([...text.split('\n').filter(Boolean).map((l) => l.split('=')[0]!)].sort());
    expect(parseProperties(text).get('enableAllTopicList')).toBe('true');
  });

  it('applies known settings, ignores unknown ones and refuses bad values without a partial update', () => {
    const config = defaultNamesrvConfig();
    expect(applyNamesrvProperties(config, new Map([['orderMessageEnable', 'true'], ['someJavaOnlyKey', 'x']]))).toEqual(['orderMessageEnable']);
    expect(config.orderMessageEnable).toBe(true);
    expect(() => applyNamesrvProperties(config, new Map([['enableTopicList', 'false'], ['brokerExpiryMs', '-1']]))).toThrow(NamesrvConfigError);
    expect(config.enableTopicList).toBe(true);
    expect(() => applyNamesrvProperties(config, new Map([['kvConfigPath', '/x']]))).toThrow(expect.objectContaining({ blackListed: true }));
  });
});
