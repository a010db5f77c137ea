#!/usr/bin/env node
// Runs jest in ESM mode and ends with the plain "N passed, N failed" line CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'jest-results-'));
const resultsFile = join(dir, 'results.json');
const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim(),
};
const jestBin = join('node_modules', 'jest', 'bin', 'jest.js');
const run = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
let line = 'jest: 0 passed, 1 failed (no results written)';
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const failedSuites = results.numFailedTestSuites ?? 0;
  const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  line = `jest: ${results.numPassedTests} passed, ${failed} failed`;
  if (failedSuites > 0) process.stdout.write(`(${failedSuites} suite(s) failed)\n`);
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${line}\n`);
process.exit(run.status ?? 1);
