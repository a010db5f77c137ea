/** LanguageCode.java: the header carries the name in JSON and the ordinal byte in ROCKETMQ binary. */
export const LANGUAGE_NAMES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
] as const;

export type LanguageName = (typeof LANGUAGE_NAMES)[number];

export function languageCode(name: string): number {
  const index = LANGUAGE_NAMES.indexOf(name as LanguageName);
  return index < 0 ? 7 /* OTHER */ : index;
}

export function languageName(code: number): LanguageName {
  return LANGUAGE_NAMES[code] ?? 'OTHER';
}

/**
 * What we announce. Servers before 5.3.2 do not know NODE_JS and would read it as null, which
 * later breaks 5.x broker metrics, so we present ourselves as JAVA (the reference recommends JAVA or OTHER;
 * JAVA keeps the reset-offset and consumer-running-info paths on their common shape).
 */
export const CLIENT_LANGUAGE: LanguageName = 'JAVA';

/** MQVersion ordinal we announce: V4_9_8 (409) works with 4.9.x and 5.x and gets standard-JSON routes. */
export const CLIENT_VERSION = 409;
