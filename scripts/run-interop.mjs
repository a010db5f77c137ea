#!/usr/bin/env node
// Runs the interop suite once per target and prints one "N passed, N failed" line.
// Targets: Apache RocketMQ versions (name server + broker from Maven Central jars) and `embedded`
// (the same client-facing tests against our EmbeddedRocketMQ). ROCKETMQ_TARGETS overrides the list.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const targets = (process.env.ROCKETMQ_TARGETS ?? process.env.ROCKETMQ_VERSIONS ?? '5.5.1,4.9.8,embedded')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean);
// Specs that start Apache RocketMQ themselves or drive Java tools against our broker: they belong
// to the Apache runs, not to the embedded one.
// The Nest tests (test/nest) run on the embedded broker in `npm test` already.
const APACHE_ONLY = [
  ...['acl', 'tls', 'cluster-failover', 'namesrv', 'harness', 'embedded-mqadmin', 'embedded-java-[a-z-]+'].map((name) => `/test/interop/${name}\\.interop-spec\\.ts$`),
  '/test/nest/',
];
const jestBin = join('node_modules', 'jest', 'bin', 'jest.js');
let passed = 0;
let failed = 0;
let exitCode = 0;
for (const target of targets) {
  const embedded = target === 'embedded';
  process.stdout.write(`\n=== interop suite against ${embedded ? 'the embedded broker' : `Apache RocketMQ ${target}`} ===\n`);
  const dir = mkdtempSync(join(tmpdir(), 'interop-results-'));
  const resultsFile = join(dir, 'results.json');
  const env = {
    ...process.env,
    ROCKETMQ_VERSION: embedded ? '5.5.1' : target,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim(),
  };
  if (embedded) env.ROCKETMQ_TARGET = 'embedded';
  else delete env.ROCKETMQ_TARGET;
  delete env.ROCKETMQ_NAMESRV;
  const ignore = embedded ? ['--testPathIgnorePatterns', ...APACHE_ONLY] : [];
  const run = spawnSync(
    process.execPath,
    [jestBin, '--selectProjects', 'interop', '--runInBand', '--json', `--outputFile=${resultsFile}`, ...ignore, ...process.argv.slice(2)],
    { stdio: 'inherit', env },
  );
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const targetFailed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    passed += results.numPassedTests;
    failed += targetFailed;
    process.stdout.write(`interop ${target}: ${results.numPassedTests} passed, ${targetFailed} failed\n`);
  } else {
    failed += 1;
    process.stdout.write(`interop ${target}: no results (jest exited with ${run.status})\n`);
  }
  if (run.status !== 0) exitCode = 1;
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`interop: ${passed} passed, ${failed} failed\n`);
process.exit(exitCode);
