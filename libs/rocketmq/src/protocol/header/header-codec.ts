import { RocketMQProtocolError } from '../errors.js';
import type { ExtFields } from '../remoting-command.js';

/**
 * Typed custom headers. Java flattens a header object into string extFields by reflection; here
 * each header is a small schema, and one codec turns it into extFields and back, so the client
 * and the broker read and write every header the same way.
 */
export type Kind = 'string' | 'int' | 'long' | 'bool';
export interface FieldSpec<K extends Kind, R extends boolean> {
  kind: K;
  required: R;
  /** Name on the wire when it differs from the property name (SEND_MESSAGE_V2's one-letter keys). */
  wire?: string;
}

type KindType<K extends Kind> = K extends 'string' ? string : K extends 'bool' ? boolean : number;

export type Schema = Record<string, FieldSpec<Kind, boolean>>;

type RequiredKeys<S extends Schema> = { [P in keyof S]: S[P]['required'] extends true ? P : never }[keyof S];
type OptionalKeys<S extends Schema> = Exclude<keyof S, RequiredKeys<S>>;

export type HeaderOf<S extends Schema> = { [P in RequiredKeys<S>]: KindType<S[P]['kind']> } & {
  [P in OptionalKeys<S>]?: KindType<S[P]['kind']>;
};

export const f = {
  string: (wire?: string): FieldSpec<'string', true> => ({ kind: 'string', required: true, wire }),
  int: (wire?: string): FieldSpec<'int', true> => ({ kind: 'int', required: true, wire }),
  /** int64 on the wire; a JS number is exact up to 2^53, beyond any offset or timestamp. */
  long: (wire?: string): FieldSpec<'long', true> => ({ kind: 'long', required: true, wire }),
  bool: (wire?: string): FieldSpec<'bool', true> => ({ kind: 'bool', required: true, wire }),
  optString: (wire?: string): FieldSpec<'string', false> => ({ kind: 'string', required: false, wire }),
  optInt: (wire?: string): FieldSpec<'int', false> => ({ kind: 'int', required: false, wire }),
  optLong: (wire?: string): FieldSpec<'long', false> => ({ kind: 'long', required: false, wire }),
  optBool: (wire?: string): FieldSpec<'bool', false> => ({ kind: 'bool', required: false, wire }),
};

export interface HeaderCodec<H> {
  readonly name: string;
  encode(header: H): ExtFields;
  /** Throws RocketMQProtocolError naming the missing or malformed field. */
  decode(ext: ExtFields | undefined): H;
}

export function defineHeader<S extends Schema>(name: string, schema: S): HeaderCodec<HeaderOf<S>> {
  const fields = Object.entries(schema).map(([prop, spec]) => ({ prop, wire: spec.wire ?? prop, spec }));
  return {
    name,
    encode(header) {
      const ext: ExtFields = {};
      const values = header as Record<string, unknown>;
      for (const { prop, wire, spec } of fields) {
        const value = values[prop];
        if (value === undefined || value === null) {
          if (spec.required) throw new RocketMQProtocolError(`${name}: required field ${prop} is missing`);
          continue;
        }
        // Empty strings decode as null on 4.9.4+/5.x servers (and break ACL signatures): leave them out.
        const text = String(value);
        if (text.length > 0) ext[wire] = text;
      }
      return ext;
    },
    decode(ext) {
      const header: Record<string, unknown> = {};
      for (const { prop, wire, spec } of fields) {
        const raw = ext?.[wire] ?? (wire !== prop ? ext?.[prop] : undefined);
        if (raw === undefined) {
          if (spec.required) throw new RocketMQProtocolError(`${name}: the custom field ${prop} is null`);
          continue;
        }
        header[prop] = parseValue(name, prop, spec.kind, raw);
      }
      return header as HeaderOf<S>;
    },
  };
}

function parseValue(header: string, prop: string, kind: Kind, raw: string): string | number | boolean {
  switch (kind) {
    case 'string':
      return raw;
    case 'bool':
      return raw === 'true';
    case 'int':
    case 'long': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(value)) {
        throw new RocketMQProtocolError(`${header}: field ${prop} is not an integer: ${JSON.stringify(raw)}`);
      }
      return value;
    }
  }
}
