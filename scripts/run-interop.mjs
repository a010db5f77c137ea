#!/usr/bin/env node
// Runs the interop suite once per Apache RocketMQ version and prints one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const versions = (process.env.ROCKETMQ_VERSIONS ?? '5.5.1,4.9.8').split(',').map((v) => v.trim()).filter(Boolean);
const jestBin = join('node_modules', 'jest', 'bin', 'jest.js');
let passed = 0;
let failed = 0;
let exitCode = 0;
for (const version of versions) {
  process.stdout.write(`\n=== interop suite against Apache RocketMQ ${version} ===\n`);
  const dir = mkdtempSync(join(tmpdir(), 'interop-results-'));
  const resultsFile = join(dir, 'results.json');
  const env = {
    ...process.env,
    ROCKETMQ_VERSION: version,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim(),
  };
  delete env.ROCKETMQ_NAMESRV;
  const run = spawnSync(
    process.execPath,
    [jestBin, '--selectProjects', 'interop', '--runInBand', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
    { stdio: 'inherit', env },
  );
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const versionFailed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    passed += results.numPassedTests;
    failed += versionFailed;
    process.stdout.write(`interop ${version}: ${results.numPassedTests} passed, ${versionFailed} failed\n`);
  } else {
    failed += 1;
    process.stdout.write(`interop ${version}: no results (jest exited with ${run.status})\n`);
  }
  if (run.status !== 0) exitCode = 1;
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`interop: ${passed} passed, ${failed} failed\n`);
process.exit(exitCode);
