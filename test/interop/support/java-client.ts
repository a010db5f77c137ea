/**
 * Runs small Java programs (kept in test/interop/java/src/) against the official RocketMQ Java client of a given
 * version, e.g. to drive the embedded broker with the real client:
 *
 *   const out = await runJava('5.5.1', javaSource('JavaProducerConsumer.java'), [namesrvAddr, 'TopicA', '--count', '5']);
 *   const lines = parseJsonLines(out);
 *
 * The source is compiled with javac against .cache/rocketmq/<version>/lib/* (fetched on demand by
 * scripts/fetch-rocketmq.sh) into .cache/rocketmq/<version>/classes/<Name>-<hash>/, cached by content.
 * Each run gets its own temporary user.home (client logs: <home>/logs/rocketmqlogs), removed afterwards unless the
 * program failed (then the path is in the error).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import {
  JAVA_SRC_DIR,
  JVM_BASE_FLAGS,
  TOOL_JVM_FLAGS,
  compileJavaSource,
  javaBin,
  rocketmqLibDir,
  runProcess,
} from './apache-rocketmq.js';

export interface RunJavaOptions {
  /** Kill the program after this long. Default 120 000 ms. */
  timeoutMs?: number;
  /** Extra JVM flags (before the main class). */
  jvmArgs?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** JDK to use. Default: $JAVA_HOME, else java on PATH. */
  javaHome?: string;
  /** Receives progress lines and the program's output lines. */
  log?: (line: string) => void;
  /** Exit codes that are not an error. Default [0]. */
  okExitCodes?: number[];
}

export interface RunJavaResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Absolute path of a file in test/interop/java/src/. */
export function javaSource(fileName: string): string {
  return join(JAVA_SRC_DIR, fileName);
}

/**
 * Compiles `mainClassSourceFile` against the RocketMQ `version` client jars (cached) and runs it with `args`.
 * Returns the full result; never throws because of the exit code.
 */
export async function runJavaDetailed(
  version: string,
  mainClassSourceFile: string,
  args: string[],
  opts: RunJavaOptions = {},
): Promise<RunJavaResult> {
  const { classesDir, mainClass } = await compileJavaSource(version, resolve(mainClassSourceFile), {
    javaHome: opts.javaHome,
    log: opts.log,
  });
  const home = await mkdtemp(join(tmpdir(), `rocketmq-java-${version}-`));
  const sep = process.platform === 'win32' ? ';' : ':';
  const r = await runProcess(
    javaBin('java', opts.javaHome),
    [
      ...TOOL_JVM_FLAGS,
      ...JVM_BASE_FLAGS,
      `-Duser.home=${home}`,
      `-Djava.io.tmpdir=${home}`,
      `-Drocketmq.client.logRoot=${join(home, 'logs', 'rocketmqlogs')}`,
      ...(opts.jvmArgs ?? []),
      '-cp',
      `${classesDir}${sep}${join(rocketmqLibDir(version), '*')}`,
      mainClass,
      ...args,
    ],
    {
      cwd: home,
      env: { ...process.env, ...(opts.env ?? {}) },
      timeoutMs: opts.timeoutMs ?? 120_000,
      onLine: opts.log ? (l) => opts.log?.(`[${mainClass}] ${l}`) : undefined,
    },
  );
  const ok = !r.timedOut && (opts.okExitCodes ?? [0]).includes(r.code);
  if (ok) await rm(home, { recursive: true, force: true });
  else opts.log?.(`[harness] ${mainClass} failed; its user.home (client logs) is kept in ${home}`);
  return { code: r.timedOut ? 124 : r.code, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Like runJavaDetailed but returns stdout and throws (with the output) when the exit code is not in okExitCodes.
 */
export async function runJava(
  version: string,
  mainClassSourceFile: string,
  args: string[],
  opts: RunJavaOptions = {},
): Promise<string> {
  const r = await runJavaDetailed(version, mainClassSourceFile, args, opts);
  if (!(opts.okExitCodes ?? [0]).includes(r.code)) {
    throw new Error(
      `java ${mainClassSourceFile} ${args.join(' ')} (RocketMQ ${version}) exited with ${r.code}\n` +
        `--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`,
    );
  }
  return r.stdout;
}

/** Parses the JSON-lines output of the harness Java programs (non-JSON lines are skipped). */
export function parseJsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  const out: T[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as T);
    } catch {
      // not one of ours
    }
  }
  return out;
}
