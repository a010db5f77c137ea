import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { JsonConfigFile } from './json-config-file.js';
import { removeDir, tempStoreDir } from './test-fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function file(name = 'consumerOffset.json'): JsonConfigFile {
  const dir = tempStoreDir('rmq-config-');
  dirs.push(dir);
  return new JsonConfigFile(path.join(dir, 'config', name));
}

describe('JSON config files', () => {
  it('persists atomically and keeps the previous content as .bak', async () => {
    const f = file();
    await f.persist({ offsetTable: { 'T@g': new Map([[0, 5]]) } });
    expect(fs.readFileSync(f.path, 'utf8')).toBe('{"offsetTable":{"T@g":{0:5}}}');
    expect(fs.existsSync(f.backupPath)).toBe(false);
    await f.persist({ offsetTable: { 'T@g': new Map([[0, 7]]) } });
    expect(fs.readFileSync(f.backupPath, 'utf8')).toBe('{"offsetTable":{"T@g":{0:5}}}');
    expect(fs.existsSync(f.path + '.tmp')).toBe(false);
    expect(f.load()).toEqual({ offsetTable: { 'T@g': { '0': 7 } } });
  });

  it('reads fastjson output with unquoted integer keys', () => {
    const f = file();
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, '{"dataVersion":{"counter":3},"offsetTable":{1:0,2:17}}');
    expect(f.load()).toEqual({ dataVersion: { counter: 3 }, offsetTable: { '1': 0, '2': 17 } });
  });

  it('falls back to the backup when the file is missing, empty or damaged', async () => {
    const f = file('topics.json');
    expect(f.load()).toBeUndefined();
    await f.persist('{"topicConfigTable":{"A":{"perm":6}}}');
    await f.persist('{"topicConfigTable":{"A":{"perm":6},"B":{"perm":6}}}');
    fs.writeFileSync(f.path, '{"topicConfigTable":{"A":');
    expect(f.load()).toEqual({ topicConfigTable: { A: { perm: 6 } } });
    fs.writeFileSync(f.path, '');
    expect(f.loadText()).toBe('{"topicConfigTable":{"A":{"perm":6}}}');
    fs.rmSync(f.path);
    expect(f.load()).toEqual({ topicConfigTable: { A: { perm: 6 } } });
  });

  it('serializes concurrent writes (the last one wins)', async () => {
    const f = file();
    await Promise.all(Array.from({ length: 10 }, (_, i) => f.persist({ n: i })));
    expect(f.load()).toEqual({ n: 9 });
    f.persistSync({ n: 10 });
    expect(f.load()).toEqual({ n: 10 });
  });
});
