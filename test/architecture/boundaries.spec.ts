/**
 * The boundaries of ../ARCHITECTURE (libs/rocketmq never imports libs/broker; the client core has no Nest import;
 * the broker core uses only libs/rocketmq's protocol and remoting; apps use public entry points), checked on
 * every import statement of the source tree. The broker's Nest wrappers (libs/broker/src/nest, /testing) sit above
 * both libraries and may use the Nest layer.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = process.cwd();
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(IMPORT)) found.push(m[1] ?? m[2]!);
  return found;
}

/** Where an import lands, as a repo-relative path for relative imports, else the specifier. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), specifier));
}

function violations(files: string[], forbidden: (to: string) => boolean): string[] {
  return files.flatMap((file) => importsOf(file).map((s) => [s, target(file, s)] as const).filter(([, to]) => forbidden(to)).map(([s]) => `${file} imports ${s}`));
}

describe('architecture boundaries', () => {
  it('libs/rocketmq never imports libs/broker', () => {
    expect(violations(sourceFiles('libs/rocketmq/src'), (to) => to.startsWith('@app/broker') || to.startsWith('libs/broker'))).toEqual([]);
  });

  it('the client core (protocol, remoting, client) has no Nest import', () => {
    const core = ['protocol', 'remoting', 'client'].flatMap((d) => sourceFiles(`libs/rocketmq/src/${d}`));
    expect(core.length).toBeGreaterThan(50);
    expect(violations(core, (to) => to.startsWith('@nestjs/') || to.startsWith('libs/rocketmq/src/nest'))).toEqual([]);
  });

  it('protocol is pure: no remoting, client or Nest, no TLS, timers or files', () => {
    const protocol = sourceFiles('libs/rocketmq/src/protocol');
    const io = ['node:tls', 'node:fs', 'node:fs/promises', 'node:timers', 'node:timers/promises', 'node:http'];
    expect(violations(protocol, (to) => io.includes(to) || /^libs\/rocketmq\/src\/(remoting|client|nest)/.test(to))).toEqual([]);
  });

  it('the broker core uses only the protocol and remoting of libs/rocketmq', () => {
    const core = sourceFiles('libs/broker/src').filter((f) => !/^libs\/broker\/src\/(nest|testing)\//.test(f));
    expect(core.length).toBeGreaterThan(50);
    const allowed = (to: string) => to === '@app/rocketmq/protocol' || to === '@app/rocketmq/remoting';
    expect(violations(core, (to) => (to.startsWith('@app/rocketmq') && !allowed(to)) || to.startsWith('libs/rocketmq') || to.startsWith('@nestjs/'))).toEqual([]);
  });

  it('apps use the public entry points of the libraries', () => {
    const apps = sourceFiles('apps');
    expect(violations(apps, (to) => (to.startsWith('@app/') && !['@app/rocketmq', '@app/broker'].includes(to)) || to.startsWith('libs/'))).toEqual([]);
  });
});
