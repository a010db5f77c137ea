/**
 * The part of YAML that plain_acl.yml files use, read without a YAML library (none is installed): block mappings,
 * block sequences (also `- key: value` items opening a mapping), flow sequences `[a, b]`, plain and quoted
 * scalars, `#` comments, `~`/`null`. Scalars stay strings (`secretKey: 12345678` is the text "12345678", as
 * fastjson turns snakeyaml's number back into a String). Anchors, multi-line scalars and flow mappings are not
 * supported and are reported as errors with the line number.
 */
import { AclConfigError } from './acl-error.js';

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[,-]/.test(text[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      return text.slice(0, i);
    }
  }
  return text;
}

const MAP_ENTRY = /^("[^"]*"|'[^']*'|[^\s:'"][^:]*?)\s*:(?:\s+(.*))?$/;

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function scalar(raw: string, line: number): YamlValue {
  const t = raw.trim();
  if (t === '' || t === '~' || t === 'null' || t === 'Null' || t === 'NULL') return null;
  if ((t.startsWith('"') && t.endsWith('"') && t.length >= 2) || (t.startsWith("'") && t.endsWith("'") && t.length >= 2)) {
    return t.startsWith('"') ? (JSON.parse(t) as string) : t.slice(1, -1).replace(/''/g, "'");
  }
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new AclConfigError(`YAML line ${line}: unterminated flow sequence`);
    const inner = t.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((s) => scalar(s, line));
  }
  if (t.startsWith('{') || t.startsWith('&') || t.startsWith('*') || t.startsWith('|') || t.startsWith('>')) {
    throw new AclConfigError(`YAML line ${line}: "${t}" uses YAML features this reader does not support; write plain values or use the JSON form`);
  }
  return t;
}

export function parseYamlSubset(text: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.includes('\t') && /^\s*\t/.test(raw)) throw new AclConfigError(`YAML line ${index + 1}: tabs cannot indent YAML`);
    const body = stripComment(raw).replace(/\s+$/, '');
    if (body.trim() === '' || body.trim() === '---') return;
    lines.push({ indent: body.length - body.trimStart().length, text: body.trim(), no: index + 1 });
  });
  let i = 0;

  const node = (): YamlValue => (isSeqItem(lines[i]!.text) ? seq(lines[i]!.indent) : map(lines[i]!.indent));

  const seq = (indent: number): YamlValue[] => {
    const out: YamlValue[] = [];
    while (i < lines.length && lines[i]!.indent === indent && isSeqItem(lines[i]!.text)) {
      const line = lines[i]!;
      const rest = line.text === '-' ? '' : line.text.slice(1).trimStart();
      if (rest === '') {
        i++;
        out.push(i < lines.length && lines[i]!.indent > indent ? node() : null);
      } else if (MAP_ENTRY.test(rest) && !rest.startsWith('[')) {
        lines[i] = { indent: indent + (line.text.length - rest.length), text: rest, no: line.no };
        out.push(map(lines[i]!.indent));
      } else {
        out.push(scalar(rest, line.no));
        i++;
      }
    }
    return out;
  };

  const map = (indent: number): { [key: string]: YamlValue } => {
    const out: { [key: string]: YamlValue } = {};
    while (i < lines.length && lines[i]!.indent === indent && !isSeqItem(lines[i]!.text)) {
      const line = lines[i]!;
      const m = MAP_ENTRY.exec(line.text);
      if (!m) throw new AclConfigError(`YAML line ${line.no}: expected "key: value", found "${line.text}"`);
      const key = scalar(m[1]!, line.no);
      const rest = m[2];
      i++;
      let value: YamlValue = null;
      if (rest !== undefined && rest.trim() !== '') value = scalar(rest, line.no);
      else if (i < lines.length && (lines[i]!.indent > indent || (lines[i]!.indent === indent && isSeqItem(lines[i]!.text)))) value = node();
      out[String(key)] = value;
    }
    if (i < lines.length && lines[i]!.indent > indent) throw new AclConfigError(`YAML line ${lines[i]!.no}: unexpected indentation`);
    return out;
  };

  if (lines.length === 0) return null;
  const value = node();
  if (i < lines.length) throw new AclConfigError(`YAML line ${lines[i]!.no}: unexpected indentation`);
  return value;
}
