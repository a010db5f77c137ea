/**
 * Interop harness: runs a real Apache RocketMQ name server and broker(s) from the Maven Central jars
 * (fetched by scripts/fetch-rocketmq.sh into .cache/rocketmq/<version>/lib) for tests.
 *
 *   const cluster = await startApacheRocketMQ({ version: '5.5.1' });
 *   ... cluster.namesrvAddr, cluster.brokers[0].addr, await cluster.mqadmin(['clusterList']) ...
 *   await cluster.stop();
 *
 * Notes gathered while building this harness (RocketMQ 5.5.1 and 4.9.8 on OpenJDK 17):
 *
 *  - Maven Central holds partial releases: 5.5.1 only has broker/common/remoting/store/tiered-store/controller,
 *    the other modules (namesrv, client, tools, auth, filter, srvutil) are taken at 5.5.0; 4.9.8 has no
 *    namesrv/broker/filter, which are taken at 4.9.7 (see test/interop/java/pom.xml, lib/VERSIONS.txt).
 *    The brokers report themselves as V5_5_1 / V4_9_8 (the version constant lives in rocketmq-common).
 *  - JVM flags: both versions boot on Java 17 with no extra flag. 4.9.x needs
 *    `--add-opens java.base/java.nio=ALL-UNNAMED` (plus sun.nio.ch, added for safety) or the shutdown hook
 *    fails with InaccessibleObjectException (DirectByteBuffer.attachment(), used to unmap the mapped files).
 *    We build the command line ourselves, so the CMS / -XX:-UseBiasedLocking flags of the stock
 *    runbroker.sh never come into play.
 *  - 4.9.x reads its logback configuration from ${ROCKETMQ_HOME}/conf/logback_{namesrv,broker,tools}.xml and, when
 *    it is missing (the jars do not contain it), prints a JoranException and exits; so we write minimal ones. 5.x ships its
 *    logging configuration inside the jars and writes to ${user.home}/logs/rocketmqlogs.
 *  - The store property is `mappedFileSizeCommitLog` (double p) in both versions; `mapedFileSize...` is silently
 *    ignored.
 *  - The broker binds listenPort, listenPort-2 (the "VIP" fast remoting server) and listenPort+1 (HA); we
 *    pick listenPort so that all three are free, and set haListenPort explicitly.
 *  - A broker registers with the name server synchronously before it prints "boot success". A slave learns the
 *    master's HA address from the name server's answer to its registration, so masters are started (and
 *    registered) before their slaves; otherwise the slave would wait for its next 30 s re-registration.
 *  - The mqadmin tool (MQAdminStartup) always exits 0 and lingers 3-5 s on Netty's graceful shutdown, so
 *    `mqadmin()` runs it through test/interop/java/src/HarnessMQAdmin.java (exit 1 on exception, immediate exit).
 *
 * ACL:
 *  - 4.9.x: ACL 1.0. `aclEnable=true` in broker.conf plus ${ROCKETMQ_HOME}/conf/plain_acl.yml (accounts with
 *    accessKey/secretKey, admin flag, defaultTopicPerm/defaultGroupPerm). Keys must be longer than 6 chars.
 *    The 4.x broker-to-broker client has no RPC hook, so a slave's config sync from an ACL-enabled master is
 *    refused (HA replication of the commit log is not affected).
 *  - 5.5.x: ACL 1.0 is gone. The rocketmq-acl module was removed in 5.3.3 (apache/rocketmq ade18bb076, "[RIP-77]
 *    Deprecate and Remove ACL 1.0", #9363); the rocketmq-auth module ("ACL 2.0", there since 5.3.0) replaces it.
 *    Checked in the 5.5.1 jars: no PlainAccessValidator anywhere, BrokerConfig.aclEnable still
 *    exists but nothing reads it. What remains of 1.0 is org.apache.rocketmq.auth.migration.AuthMigrator, which
 *    (with migrateAuthFromV1Enabled=true) imports conf/plain_acl.yml at startup into ACL 2.0 users
 *    (admin -> SUPER user) and policies (defaultTopicPerm/defaultGroupPerm -> DEFAULT policy on topic:* / group:*).
 *    So for 5.x we write the same plain_acl.yml and enable: authenticationEnabled + DefaultAuthenticationProvider
 *    + LocalAuthenticationMetadataProvider, authorizationEnabled + DefaultAuthorizationProvider +
 *    LocalAuthorizationMetadataProvider (metadata in RocksDB under <store>/config), initAuthenticationUser and
 *    innerClientAuthenticationCredentials (the admin account; used by slave->master requests), and
 *    migrateAuthFromV1Enabled=true.
 *    BUT the 5.5.1 jar set is mixed (broker 5.5.1, auth 5.5.0) and the 5.5.1 broker's AuthorizationPipeline calls
 *    AuthorizationEvaluator.evaluate(RemotingCommand, List), which rocketmq-auth 5.5.0 does not have: with
 *    authorizationEnabled=true every request fails with NoSuchMethodError (a linkage scan of all cross-jar
 *    references of the 5.5.1 set found no other break). So authorization is only enabled when rocketmq-auth and
 *    rocketmq-broker have the same version; on 5.5.1 ACL means authentication only (every known user may do
 *    everything, admin or not), reported as `cluster.acl.authorization === false`.
 *    Authentication (DefaultAuthenticationHandler) checks the same remoting
 *    signature as ACL 1.0: ext fields AccessKey + Signature, where Signature = Base64(HmacSHA1(secretKey,
 *    concatenation of the ext field values sorted by field name, without Signature, followed by the body)),
 *    i.e. what org.apache.rocketmq.acl.common.AclClientRPCHook produces (that class now lives in rocketmq-client).
 *    Refusals: 5.5.1 answers NO_PERMISSION (16) "username cannot be null." (unsigned) / "check signature failed."
 *    (wrong secret); 4.9.8 answers SYSTEM_ERROR (1) "AclException: No accessKey is configured" / "Check signature
 *    failed for accessKey=...".
 *  - mqadmin signs with ${ROCKETMQ_HOME}/conf/tools.yml: we write the first admin account there (or a generated
 *    admin account, added to the ACL, when none of the given accounts is admin).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

export interface ApacheBrokerSpec {
  brokerName: string;
  /** 0 = master (ASYNC_MASTER), >0 = slave (SLAVE) of the master with the same brokerName. Default 0. */
  brokerId?: number;
  /** Default 'DefaultCluster'. */
  clusterName?: string;
  /** Extra broker.conf properties; they override the harness defaults. */
  extraConf?: Record<string, string>;
}

export interface ApacheClusterOptions {
  /** RocketMQ version whose jars to use, e.g. '5.5.1' or '4.9.8'. */
  version: string;
  /** Default: one master 'broker-a'. Masters are started before slaves. */
  brokers?: ApacheBrokerSpec[];
  aclEnable?: boolean;
  aclAccounts?: { accessKey: string; secretKey: string; admin?: boolean }[];
  /** 5.x only; default true on 5.x (ignored on 4.x, which has no timer wheel). */
  timerWheelEnable?: boolean;
  /** Progress lines and the processes' stdout/stderr. Nothing is printed otherwise. */
  log?: (line: string) => void;
  /** Where the temporary cluster directory is created. Default os.tmpdir(). */
  baseDir?: string;
  /** Per process start-up timeout. Default 60 000 ms (env ROCKETMQ_HARNESS_START_TIMEOUT_MS overrides the default). */
  startTimeoutMs?: number;
  /** After stop()/kill() sent SIGTERM, wait this long before SIGKILL. Default 3000 ms. */
  stopGraceMs?: number;
  /** When there are slaves, wait until each slave has an HA connection to its master. Default true. */
  waitForHa?: boolean;
  /** Keep the temporary directory after stop() (also: env ROCKETMQ_HARNESS_KEEP=1). */
  keepStore?: boolean;
  /** JDK to use (its bin/java, bin/javac). Default: $JAVA_HOME, else java on PATH. */
  javaHome?: string;
  /** Extra JVM flags for the brokers, after the harness defaults (a later -D wins), e.g. `-Dtls.server.mode=permissive`. */
  brokerJvmFlags?: string[];
  /** Extra JVM flags for the name server, after the harness defaults. */
  namesrvJvmFlags?: string[];
}

export interface RunningApacheBroker {
  brokerName: string;
  brokerId: number;
  clusterName: string;
  /** 127.0.0.1:listenPort */
  addr: string;
  listenPort: number;
  haPort: number;
  pid: number;
  /** The broker's ROCKETMQ_HOME (conf/, logs/, store/). */
  homeDir: string;
  /**
   * Sends `signal` (default SIGKILL) and, unless it is SIGSTOP/SIGTSTP/SIGCONT, waits until the process has
   * exited (a SIGTERM is followed by SIGKILL after stopGraceMs).
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface MqadminResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningApacheCluster {
  version: string;
  /** 127.0.0.1:port */
  namesrvAddr: string;
  brokers: RunningApacheBroker[];
  /** Temporary directory holding every process' home, logs and store; removed by stop(). */
  storeRoot: string;
  namesrvPid: number;
  /** The account mqadmin signs with (conf/tools.yml) when ACL is enabled. */
  adminCredentials?: { accessKey: string; secretKey: string };
  /**
   * When ACL is enabled: which mechanism the broker uses, and whether permissions (admin, PUB/SUB) are enforced
   * in addition to the signature check (see the module comment: not on the mixed 5.5.1 jar set).
   */
  acl?: { mechanism: 'plain_acl' | 'auth2'; authorization: boolean };
  stop(): Promise<void>;
  /**
   * Runs the official mqadmin tool (through HarnessMQAdmin, see the module comment). `-n <namesrvAddr>` is
   * appended unless args already contain -n/--namesrvAddr. code is 1 when the sub command threw.
   */
  mqadmin(args: string[], opts?: { timeoutMs?: number }): Promise<MqadminResult>;
}

const DEFAULT_CLUSTER = 'DefaultCluster';
const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_GRACE_MS = 3_000;
const HA_TIMEOUT_MS = 30_000;
/** Ports of services running on this machine's loopback: never hand them out. */
const FORBIDDEN_PORTS = new Set([1883, 3306, 4222, 5432, 5672, 6222, 6379, 8222, 15672, 25672]);

const HERE = dirname(fileURLToPath(import.meta.url));
/** Repository root (test/interop/support/../../..). */
export const REPO_ROOT = resolve(HERE, '..', '..', '..');
/** Java sources of the harness (HarnessMQAdmin, JavaProducerConsumer, ...). */
export const JAVA_SRC_DIR = join(REPO_ROOT, 'test', 'interop', 'java', 'src');
const FETCH_SCRIPT = join(REPO_ROOT, 'scripts', 'fetch-rocketmq.sh');

/** JVM flags for every RocketMQ JVM we start (see the module comment). */
export const JVM_BASE_FLAGS: readonly string[] = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  // The remoting servers default to TLS "permissive" and generate a self-signed certificate at start-up (about half
  // of a name server's start time). Plain TCP only; clients do not use TLS unless told to (tls.enable).
  '-Dtls.server.mode=disabled',
  '-XX:-OmitStackTraceInFastThrow',
  '-Dfile.encoding=UTF-8',
];
const NAMESRV_JVM_FLAGS = ['-Xms128m', '-Xmx128m', '-XX:MaxDirectMemorySize=128m', '-XX:+UseSerialGC'];
const BROKER_JVM_FLAGS = [
  // 4.9 brokers unmap files through jdk.internal.ref.Cleaner (deleting a topic fails without it on Java 17)
  '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
  '-Xms256m',
  '-Xmx256m',
  '-XX:MaxDirectMemorySize=256m',
  // (the disk-full thresholds, rocketmq.broker.diskSpaceWarningLevelRatio, cannot be raised: clamped to 0.90)
];
/** Short-lived tools (mqadmin, small Java programs): fast start-up matters more than peak speed. */
export const TOOL_JVM_FLAGS: readonly string[] = ['-Xmx192m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

// ---------------------------------------------------------------------------------------------------------------
// Jars, JDK, compilation (shared with java-client.ts)
// ---------------------------------------------------------------------------------------------------------------

export function rocketmqCacheRoot(): string {
  const env = process.env['ROCKETMQ_CACHE_DIR'];
  return env ? resolve(env) : join(REPO_ROOT, '.cache', 'rocketmq');
}

export function rocketmqLibDir(version: string): string {
  return join(rocketmqCacheRoot(), version, 'lib');
}

export function rocketmqMajor(version: string): number {
  const major = Number.parseInt(version, 10);
  if (!Number.isFinite(major)) throw new Error(`Not a RocketMQ version: '${version}'`);
  return major;
}

export function javaBin(tool: 'java' | 'javac', javaHome?: string): string {
  const home = javaHome ?? process.env['JAVA_HOME'];
  return home ? join(home, 'bin', tool) : tool;
}

function libComplete(version: string): boolean {
  const marker = join(rocketmqLibDir(version), '.complete');
  if (!existsSync(marker)) return false;
  try {
    const jars = readFileSync(marker, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    return jars.length > 0 && jars.every((j) => existsSync(join(rocketmqLibDir(version), j)));
  } catch {
    return false;
  }
}

/** Version of an org.apache.rocketmq artifact in the lib directory (e.g. 'rocketmq-broker' -> '5.5.1'). */
export async function rocketmqArtifactVersion(libDir: string, artifact: string): Promise<string | undefined> {
  const re = new RegExp(`^${artifact}-(\\d[^/]*)\\.jar$`);
  for (const f of await readdir(libDir)) {
    const m = re.exec(f);
    if (m) return m[1];
  }
  return undefined;
}

const fetches = new Map<string, Promise<string>>();

/**
 * Makes sure .cache/rocketmq/<version>/lib is complete (runs scripts/fetch-rocketmq.sh when not) and returns it.
 */
export function ensureRocketMQ(version: string, log?: (line: string) => void): Promise<string> {
  if (!/^[0-9]+\.[0-9]+\.[0-9]+([.-][A-Za-z0-9.-]+)?$/.test(version)) {
    return Promise.reject(new Error(`Not a RocketMQ version: '${version}'`));
  }
  if (libComplete(version)) return Promise.resolve(rocketmqLibDir(version));
  let p = fetches.get(version);
  if (!p) {
    p = (async () => {
      log?.(`[harness] fetching RocketMQ ${version} jars (scripts/fetch-rocketmq.sh)`);
      const r = await runProcess('bash', [FETCH_SCRIPT, version], {
        cwd: REPO_ROOT,
        env: { ...process.env, ROCKETMQ_CACHE_DIR: rocketmqCacheRoot() },
        timeoutMs: 15 * 60_000,
        onLine: log ? (l) => log(`[fetch] ${l}`) : undefined,
      });
      if (r.code !== 0 || !libComplete(version)) {
        throw new Error(
          `scripts/fetch-rocketmq.sh ${version} failed (exit ${r.code}):\n${tail(r.stdout + r.stderr, 40)}`,
        );
      }
      return rocketmqLibDir(version);
    })();
    fetches.set(version, p);
    p.catch(() => fetches.delete(version));
  }
  return p;
}

const compiles = new Map<string, Promise<string>>();

/**
 * Compiles one Java source file against the jars of `version` into
 * .cache/rocketmq/<version>/classes/<name>-<hash>/ (cached by source content) and returns
 * { classesDir, mainClass }.
 */
export async function compileJavaSource(
  version: string,
  sourceFile: string,
  opts: { javaHome?: string; log?: (line: string) => void } = {},
): Promise<{ classesDir: string; mainClass: string }> {
  const libDir = await ensureRocketMQ(version, opts.log);
  const src = resolve(sourceFile);
  const text = await readFile(src, 'utf8');
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1];
  const simple = basename(src).replace(/\.java$/, '');
  const mainClass = pkg ? `${pkg}.${simple}` : simple;
  // --release 11: the class files then run on any JDK >= 11 whichever javac (17, 25) compiled them
  const javacFlags = ['-nowarn', '-encoding', 'UTF-8', '--release', '11'];
  const hash = createHash('sha256')
    .update(text)
    .update('\0')
    .update(version)
    .update('\0')
    .update(javacFlags.join(' '))
    .digest('hex')
    .slice(0, 12);
  const classesDir = join(rocketmqCacheRoot(), version, 'classes', `${simple}-${hash}`);
  const key = classesDir;
  let p = compiles.get(key);
  if (!p) {
    p = (async () => {
      if (existsSync(join(classesDir, '.compiled'))) return classesDir;
      const tmpOut = `${classesDir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      await mkdir(tmpOut, { recursive: true });
      opts.log?.(`[harness] javac ${basename(src)} against RocketMQ ${version}`);
      const r = await runProcess(
        javaBin('javac', opts.javaHome),
        [...javacFlags, '-d', tmpOut, '-cp', join(libDir, '*'), src],
        { timeoutMs: 120_000 },
      );
      if (r.code !== 0) {
        await rm(tmpOut, { recursive: true, force: true });
        throw new Error(`javac ${src} failed (exit ${r.code}):\n${tail(r.stdout + r.stderr, 40)}`);
      }
      await writeFile(join(tmpOut, '.compiled'), `${src}\n`);
      try {
        // atomic: a directory at classesDir is always a complete compilation
        await rename(tmpOut, classesDir);
      } catch (e) {
        // a concurrent compile won the race: use its output
        await rm(tmpOut, { recursive: true, force: true });
        if (!existsSync(join(classesDir, '.compiled'))) throw e;
      }
      return classesDir;
    })();
    compiles.set(key, p);
    // only in-flight compilations are shared; afterwards the .compiled marker is checked again on each call
    p.then(
      () => compiles.delete(key),
      () => compiles.delete(key),
    );
  }
  return { classesDir: await p, mainClass };
}

// ---------------------------------------------------------------------------------------------------------------
// Process helpers
// ---------------------------------------------------------------------------------------------------------------

export interface ProcessResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command to completion, collecting its output (SIGKILL after timeoutMs). */
export function runProcess(
  cmd: string,
  args: string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    onLine?: (line: string) => void;
  } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    trackChild(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const splitter = opts.onLine ? lineSplitter(opts.onLine) : undefined;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      stdout += d;
      splitter?.(d);
    });
    child.stderr?.on('data', (d: string) => {
      stderr += d;
      splitter?.(d);
    });
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      splitter?.('\n');
      resolvePromise({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr, timedOut });
    });
  });
}

function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (line.length > 0) onLine(line);
    }
  };
}

function tail(text: string, lines: number): string {
  const all = text.split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

// Every child we start is killed when this Node process exits (normally or through process.exit()).
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      try {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of liveDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort; the watchdog retries
      }
    }
  });
}

function trackChild(child: ChildProcess): void {
  installExitHook();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/**
 * A detached `sh` that outlives us: it reads "pid N" / "dir D" lines on stdin and, when stdin reaches EOF
 * (i.e. this Node process died, even by SIGKILL, without stop()), SIGKILLs the pids and removes the dir.
 * stop() kills it first, so it never acts after a normal stop.
 */
class Watchdog {
  private readonly child: ChildProcess | undefined;

  constructor() {
    const script =
      'pids=""; dir=""; ' +
      'while IFS= read -r l; do case "$l" in "pid "*) pids="$pids ${l#pid }";; "dir "*) dir="${l#dir }";; esac; done; ' +
      '[ -n "$pids" ] && kill -9 $pids 2>/dev/null; ' +
      'if [ -n "$dir" ]; then sleep 1; rm -rf "$dir"; fi';
    try {
      this.child = spawn('sh', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      this.child.on('error', () => undefined);
      this.child.stdin?.on('error', () => undefined);
      this.child.unref();
      (this.child.stdin as unknown as Socket | null)?.unref?.();
    } catch {
      this.child = undefined;
    }
  }

  watch(kind: 'pid' | 'dir', value: string | number): void {
    try {
      this.child?.stdin?.write(`${kind} ${value}\n`);
    } catch {
      // ignore
    }
  }

  dispose(): void {
    try {
      if (this.child?.pid) process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

const MAX_LINES = 300;

/** A long-running JVM with its output kept in memory (last MAX_LINES lines). */
class JavaProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<void>;
  /** Set once the process has exited (or could not be started): why. */
  exitInfo: string | undefined;
  private lineWaiters: { re: RegExp; resolve: () => void }[] = [];
  private exitWaiters: ((why: string) => void)[] = [];

  constructor(
    readonly name: string,
    java: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    private readonly log?: (line: string) => void,
  ) {
    this.child = spawn(java, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(this.child);
    const onLine = (line: string): void => {
      this.lines.push(line);
      if (this.lines.length > MAX_LINES) this.lines.shift();
      this.log?.(`[${this.name}] ${line}`);
      this.lineWaiters = this.lineWaiters.filter((w) => {
        if (w.re.test(line)) {
          w.resolve();
          return false;
        }
        return true;
      });
    };
    const out = lineSplitter(onLine);
    const err = lineSplitter(onLine);
    this.child.stdout?.setEncoding('utf8');
    this.child.stderr?.setEncoding('utf8');
    this.child.stdout?.on('data', out);
    this.child.stderr?.on('data', err);
    this.exited = new Promise((res) => {
      const finish = (why: string): void => {
        if (this.exitInfo !== undefined) return;
        out('\n');
        err('\n');
        this.exitInfo = why;
        const waiters = this.exitWaiters;
        this.exitWaiters = [];
        for (const w of waiters) w(why);
        res();
      };
      this.child.once('exit', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
      this.child.once('error', (e) => {
        this.lines.push(`could not be started: ${e.message}`);
        finish(`could not be started (${e.message})`);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.child.pid !== undefined;
  }

  /** Resolves when an output line matches; rejects when the process exits first or on timeout. */
  waitForLine(re: RegExp, timeoutMs: number, what: string): Promise<void> {
    if (this.lines.some((l) => re.test(l))) return Promise.resolve();
    if (this.exitInfo !== undefined) return Promise.reject(new Error(`${this.name} ${this.exitInfo} before "${what}"`));
    return new Promise((res, rej) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.lineWaiters = this.lineWaiters.filter((w) => w !== waiter);
        this.exitWaiters = this.exitWaiters.filter((w) => w !== onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        rej(new Error(`${this.name}: no "${what}" after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        re,
        resolve: () => {
          cleanup();
          res();
        },
      };
      const onExit = (why: string): void => {
        cleanup();
        rej(new Error(`${this.name} ${why} before "${what}"`));
      };
      this.lineWaiters.push(waiter);
      this.exitWaiters.push(onExit);
    });
  }

  /** Rejects (with the reason) if the process exits while `p` is pending. */
  async guard<T>(p: Promise<T>): Promise<T> {
    if (this.exitInfo !== undefined) throw new Error(`${this.name} ${this.exitInfo}`);
    let onExit: ((why: string) => void) | undefined;
    const died = new Promise<never>((_, rej) => {
      onExit = (why) => rej(new Error(`${this.name} ${why}`));
      this.exitWaiters.push(onExit);
    });
    died.catch(() => undefined);
    try {
      return await Promise.race([p, died]);
    } finally {
      this.exitWaiters = this.exitWaiters.filter((w) => w !== onExit);
    }
  }

  /** Sends `signal`; for terminating signals waits for the exit, escalating to SIGKILL after graceMs. */
  async kill(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    if (!this.running) return;
    // we are going to wait for the exit: the child must keep the event loop alive again (see unref())
    this.child.ref();
    (this.child.stdout as unknown as Socket | null)?.ref?.();
    (this.child.stderr as unknown as Socket | null)?.ref?.();
    try {
      this.child.kill(signal);
    } catch {
      // gone
    }
    if (signal === 'SIGSTOP' || signal === 'SIGTSTP' || signal === 'SIGCONT') return;
    if (signal !== 'SIGKILL') {
      let timer: NodeJS.Timeout | undefined;
      const escalate = new Promise<void>((res) => {
        timer = setTimeout(() => {
          try {
            if (this.running) {
              this.child.kill('SIGCONT'); // in case it was SIGSTOPped
              this.child.kill('SIGKILL');
            }
          } catch {
            // gone
          }
          res();
        }, graceMs);
      });
      await Promise.race([this.exited, escalate]);
      if (timer) clearTimeout(timer);
    }
    await this.exited;
  }

  /** Detaches the child and its output pipes from the event loop (the process keeps running). */
  unref(): void {
    this.child.unref();
    (this.child.stdout as unknown as Socket | null)?.unref?.();
    (this.child.stderr as unknown as Socket | null)?.unref?.();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ports and probes
// ---------------------------------------------------------------------------------------------------------------

const reservedPorts = new Set<number>();

function listenOnce(port: number, host?: string): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    const done = (): void => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      srv.close(() => res(p));
    };
    if (host) srv.listen({ port, host, exclusive: true }, done);
    else srv.listen({ port, exclusive: true }, done);
  });
}

async function isPortFree(port: number): Promise<boolean> {
  if (port < 1024 || port > 65535 || FORBIDDEN_PORTS.has(port) || reservedPorts.has(port)) return false;
  try {
    // the JVM binds the wildcard address; check it and loopback
    await listenOnce(port);
    await listenOnce(port, '127.0.0.1');
    return true;
  } catch {
    return false;
  }
}

/** Asks the OS for a free port; `span` consecutive ports starting at it must all be free. */
async function allocatePorts(span: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = await listenOnce(0, '127.0.0.1');
    let ok = true;
    for (let p = base; p < base + span && ok; p++) ok = await isPortFree(p);
    if (ok) {
      for (let p = base; p < base + span; p++) reservedPorts.add(p);
      return base;
    }
  }
  throw new Error(`could not find ${span} consecutive free ports`);
}

function releasePorts(base: number, span: number): void {
  for (let p = base; p < base + span; p++) reservedPorts.delete(p);
}

function tcpProbe(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      res(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      res(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      res(false);
    });
  });
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/**
 * Minimal RocketMQ remoting call (JSON serialization) used only as a readiness probe: sends
 * GET_BROKER_CLUSTER_INFO (code 106) to the name server and returns the response body as text
 * (fastjson output, not strict JSON: integer map keys are unquoted).
 */
export function namesrvClusterInfoRaw(namesrvAddr: string, timeoutMs = 3000): Promise<string> {
  const [host, portText] = splitAddr(namesrvAddr);
  return new Promise((res, rej) => {
    const header = Buffer.from(
      JSON.stringify({
        code: 106,
        language: 'JAVA',
        version: 0,
        opaque: 1,
        flag: 0,
        extFields: {},
        serializeTypeCurrentRPC: 'JSON',
      }),
      'utf8',
    );
    const frame = Buffer.alloc(8 + header.length);
    frame.writeInt32BE(4 + header.length, 0);
    frame.writeInt32BE(header.length & 0xffffff, 4); // serialize type 0 = JSON in the high byte
    header.copy(frame, 8);
    const sock = connect({ host, port: Number(portText) });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      rej(new Error('GET_BROKER_CLUSTER_INFO timed out'));
    }, timeoutMs);
    sock.once('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    sock.once('connect', () => sock.write(frame));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const total = buf.readInt32BE(0);
      if (buf.length < 4 + total) return;
      clearTimeout(timer);
      sock.destroy();
      const headerLen = buf.readInt32BE(4) & 0xffffff;
      const respHeader = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as {
        code?: number;
        remark?: string;
      };
      if (respHeader.code !== 0) {
        rej(new Error(`GET_BROKER_CLUSTER_INFO failed: code ${respHeader.code} ${respHeader.remark ?? ''}`));
        return;
      }
      res(buf.subarray(8 + headerLen, 4 + total).toString('utf8'));
    });
  });
}

function splitAddr(addr: string): [string, string] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i), addr.slice(i + 1)];
}

/** Number of ESTABLISHED TCP connections whose local port is `port` (server side), from /proc/net/tcp{,6}. */
async function establishedOnLocalPort(port: number): Promise<number | undefined> {
  let count = 0;
  let seen = false;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
      seen = true;
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const local = cols[1] ?? '';
      const state = cols[3];
      const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (state === '01' && localPort === port) count++;
    }
  }
  return seen ? count : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Config files
// ---------------------------------------------------------------------------------------------------------------

function logbackXml(file: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by the interop harness: RocketMQ 4.x reads \${ROCKETMQ_HOME}/conf/logback_*.xml -->
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${user.home}/logs/rocketmqlogs/${file}</file>
    <append>true</append>
    <encoder><pattern>%d{yyyy-MM-dd HH:mm:ss,SSS} %p %c{0} - %m%n</pattern><charset>UTF-8</charset></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

function plainAclYml(accounts: { accessKey: string; secretKey: string; admin?: boolean }[]): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['# written by the interop harness (ACL 1.0 format; migrated to ACL 2.0 by 5.x brokers)', 'globalWhiteRemoteAddresses: []', 'accounts:'];
  for (const a of accounts) {
    lines.push(
      `  - accessKey: ${q(a.accessKey)}`,
      `    secretKey: ${q(a.secretKey)}`,
      `    whiteRemoteAddress: ""`,
      `    admin: ${a.admin ? 'true' : 'false'}`,
      `    defaultTopicPerm: "PUB|SUB"`,
      `    defaultGroupPerm: "PUB|SUB"`,
      `    topicPerms: []`,
      `    groupPerms: []`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function propertiesFile(props: Record<string, string>, comment: string): string {
  const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `# ${comment}\n${Object.entries(props)
    .map(([k, v]) => `${k}=${esc(v)}`)
    .join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------------------------------------------

interface BrokerRuntime {
  spec: Required<Omit<ApacheBrokerSpec, 'extraConf'>> & { extraConf: Record<string, string> };
  homeDir: string;
  confFile: string;
  listenPort: number;
  portBase: number;
  proc?: JavaProcess;
}

const PORT_SPAN = 4; // listenPort-2 (VIP), listenPort-1 (unused), listenPort, listenPort+1 (HA)

export async function startApacheRocketMQ(opts: ApacheClusterOptions): Promise<RunningApacheCluster> {
  const version = opts.version;
  const major = rocketmqMajor(version);
  const log = opts.log;
  const startTimeoutMs =
    opts.startTimeoutMs ?? (Number(process.env['ROCKETMQ_HARNESS_START_TIMEOUT_MS']) || DEFAULT_START_TIMEOUT_MS);
  const graceMs = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const keep = opts.keepStore ?? process.env['ROCKETMQ_HARNESS_KEEP'] === '1';
  const java = javaBin('java', opts.javaHome);
  const t0 = Date.now();

  // -- validate the topology --
  const specs = (opts.brokers && opts.brokers.length > 0 ? opts.brokers : [{ brokerName: 'broker-a' }]).map(
    (b) => ({
      brokerName: b.brokerName,
      brokerId: b.brokerId ?? 0,
      clusterName: b.clusterName ?? DEFAULT_CLUSTER,
      extraConf: b.extraConf ?? {},
    }),
  );
  const seen = new Set<string>();
  for (const s of specs) {
    if (!/^[A-Za-z0-9_-]+$/.test(s.brokerName)) throw new Error(`invalid brokerName '${s.brokerName}'`);
    const key = `${s.brokerName}/${s.brokerId}`;
    if (seen.has(key)) throw new Error(`duplicate broker ${key}`);
    seen.add(key);
  }
  for (const s of specs) {
    if (s.brokerId > 0 && !specs.some((m) => m.brokerName === s.brokerName && m.brokerId === 0)) {
      throw new Error(`slave ${s.brokerName}/${s.brokerId} has no master (brokerId 0) with the same brokerName`);
    }
  }

  // -- ACL accounts --
  let accounts: { accessKey: string; secretKey: string; admin?: boolean }[] = [];
  let admin: { accessKey: string; secretKey: string } | undefined;
  if (opts.aclEnable) {
    accounts = (opts.aclAccounts ?? []).map((a) => ({ ...a }));
    for (const a of accounts) {
      if (a.accessKey.length <= 6 || a.secretKey.length <= 6) {
        throw new Error(`ACL accessKey/secretKey must be longer than 6 characters (RocketMQ rule): '${a.accessKey}'`);
      }
    }
    const firstAdmin = accounts.find((a) => a.admin);
    admin = firstAdmin
      ? { accessKey: firstAdmin.accessKey, secretKey: firstAdmin.secretKey }
      : { accessKey: 'harness_admin', secretKey: randomBytes(12).toString('hex') };
    if (!firstAdmin) accounts.push({ ...admin, admin: true });
  }

  const libDir = await ensureRocketMQ(version, log);
  let acl: { mechanism: 'plain_acl' | 'auth2'; authorization: boolean } | undefined;
  if (opts.aclEnable) {
    if (major < 5) {
      acl = { mechanism: 'plain_acl', authorization: true };
    } else {
      const authVersion = await rocketmqArtifactVersion(libDir, 'rocketmq-auth');
      const brokerVersion = await rocketmqArtifactVersion(libDir, 'rocketmq-broker');
      acl = { mechanism: 'auth2', authorization: authVersion !== undefined && authVersion === brokerVersion };
      if (!acl.authorization) {
        log?.(
          `[harness] rocketmq-auth ${authVersion} != rocketmq-broker ${brokerVersion}: ACL 2.0 authentication only ` +
            '(authorization would fail with NoSuchMethodError)',
        );
      }
    }
  }
  const { classesDir: adminClasses } = await compileJavaSource(version, join(JAVA_SRC_DIR, 'HarnessMQAdmin.java'), {
    javaHome: opts.javaHome,
    log,
  });

  const baseDir = resolve(opts.baseDir ?? tmpdir());
  await mkdir(baseDir, { recursive: true });
  const root = await mkdtemp(join(baseDir, `rocketmq-${version}-`));
  installExitHook();
  if (!keep) liveDirs.add(root);
  const watchdog = new Watchdog();
  if (!keep) watchdog.watch('dir', root);
  log?.(`[harness] RocketMQ ${version}: cluster directory ${root}`);

  const classpath = join(libDir, '*');
  const homeEnv = (home: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_HOME: home };
    delete env['NAMESRV_ADDR'];
    delete env['JAVA_TOOL_OPTIONS'];
    return env;
  };
  const homeProps = (home: string): string[] => [
    `-Duser.home=${home}`,
    `-Drocketmq.home.dir=${home}`,
    `-Djava.io.tmpdir=${join(home, 'tmp')}`,
    `-Drocketmq.client.logRoot=${join(home, 'logs', 'rocketmqlogs')}`,
  ];
  const prepareHome = async (home: string, logbackName: string): Promise<void> => {
    await mkdir(join(home, 'conf'), { recursive: true });
    await mkdir(join(home, 'logs', 'rocketmqlogs'), { recursive: true });
    await mkdir(join(home, 'tmp'), { recursive: true });
    if (major < 5) await writeFile(join(home, 'conf', `logback_${logbackName}.xml`), logbackXml(`${logbackName}.log`));
  };

  let namesrv: JavaProcess | undefined;
  let namesrvPort = 0;
  const brokers: BrokerRuntime[] = [];
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      log?.(`[harness] stopping RocketMQ ${version} cluster`);
      // All at once: the cluster goes away as a whole, nothing gains from an orderly shutdown. Each process gets
      // SIGTERM, then SIGKILL after stopGraceMs.
      await Promise.all([...brokers.map((b) => b.proc?.kill('SIGTERM', graceMs)), namesrv?.kill('SIGTERM', graceMs)]);
      for (const b of brokers) releasePorts(b.portBase, PORT_SPAN);
      if (namesrvPort) reservedPorts.delete(namesrvPort);
      if (!keep) {
        await rm(root, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
        liveDirs.delete(root);
      } else {
        log?.(`[harness] keeping ${root}`);
      }
      watchdog.dispose();
    })();
    return stopping;
  };

  const failureDetails = async (proc: JavaProcess | undefined, home: string, logFiles: string[]): Promise<string> => {
    const parts: string[] = [];
    if (proc) parts.push(`--- last output of ${proc.name} ---\n${proc.lines.slice(-40).join('\n')}`);
    for (const f of logFiles) {
      const p = join(home, 'logs', 'rocketmqlogs', f);
      try {
        if ((await stat(p)).isFile()) parts.push(`--- tail of ${p} ---\n${tail(await readFile(p, 'utf8'), 30)}`);
      } catch {
        // no such log
      }
    }
    return parts.join('\n');
  };

  const namesrvHome = join(root, 'namesrv');
  /** Starts the name server on namesrvPort (allocated by the caller); retries on other ports if it is taken. */
  const startNamesrv = async (): Promise<void> => {
    const home = namesrvHome;
    for (let attempt = 1; ; attempt++) {
      const conf = join(home, 'conf', 'namesrv.conf');
      await writeFile(conf, propertiesFile({ listenPort: String(namesrvPort) }, 'written by the interop harness'));
      const proc = new JavaProcess(
        'namesrv',
        java,
        [
          ...NAMESRV_JVM_FLAGS,
          ...JVM_BASE_FLAGS,
          ...(opts.namesrvJvmFlags ?? []),
          ...homeProps(home),
          '-cp',
          classpath,
          'org.apache.rocketmq.namesrv.NamesrvStartup',
          '-c',
          conf,
        ],
        home,
        homeEnv(home),
        log,
      );
      if (proc.pid > 0) watchdog.watch('pid', proc.pid);
      namesrv = proc;
      try {
        await proc.waitForLine(/boot success/, startTimeoutMs, 'The Name Server boot success');
        await proc.guard(waitFor(`name server port ${namesrvPort}`, startTimeoutMs, () => tcpProbe(namesrvPort)));
        return;
      } catch (e) {
        const details = await failureDetails(proc, home, ['namesrv.log', 'namesrv_default.log']);
        await proc.kill('SIGKILL', 0);
        reservedPorts.delete(namesrvPort);
        if (attempt < 3 && /Address already in use|BindException/.test(details)) {
          log?.(`[harness] name server port ${namesrvPort} was taken, retrying`);
          namesrvPort = await allocatePorts(1);
          continue;
        }
        throw new Error(`RocketMQ ${version} name server failed to start: ${(e as Error).message}\n${details}`);
      }
    }
  };

  const writeBrokerConf = async (b: BrokerRuntime): Promise<void> => {
    const s = b.spec;
    const store = join(b.homeDir, 'store');
    const props: Record<string, string> = {
      brokerClusterName: s.clusterName,
      brokerName: s.brokerName,
      brokerId: String(s.brokerId),
      brokerRole: s.brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE',
      flushDiskType: 'ASYNC_FLUSH',
      namesrvAddr: `127.0.0.1:${namesrvPort}`,
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      listenPort: String(b.listenPort),
      haListenPort: String(b.listenPort + 1),
      storePathRootDir: store,
      storePathCommitLog: join(store, 'commitlog'),
      mappedFileSizeCommitLog: String(64 * 1024 * 1024),
      mappedFileSizeConsumeQueue: String(30_000 * 20),
      autoCreateTopicEnable: 'true',
      autoCreateSubscriptionGroup: 'true',
      enablePropertyFilter: 'true',
      // tolerate a slow, shared CI machine (defaults: 200 ms / 1000 ms)
      waitTimeMillsInSendQueue: '3000',
      osPageCacheBusyTimeOutMills: '5000',
    };
    if (major >= 5) {
      props['timerWheelEnable'] = String(opts.timerWheelEnable ?? true);
      props['mappedFileSizeTimerLog'] = String(16 * 1024 * 1024);
    }
    if (opts.aclEnable && admin) {
      props['aclEnable'] = 'true';
      if (major >= 5) {
        const p = 'org.apache.rocketmq.auth';
        Object.assign(props, {
          authenticationEnabled: 'true',
          authenticationProvider: `${p}.authentication.provider.DefaultAuthenticationProvider`,
          authenticationMetadataProvider: `${p}.authentication.provider.LocalAuthenticationMetadataProvider`,
          authorizationEnabled: String(acl?.authorization ?? false),
          authorizationProvider: `${p}.authorization.provider.DefaultAuthorizationProvider`,
          authorizationMetadataProvider: `${p}.authorization.provider.LocalAuthorizationMetadataProvider`,
          initAuthenticationUser: JSON.stringify({ username: admin.accessKey, password: admin.secretKey }),
          innerClientAuthenticationCredentials: JSON.stringify({ accessKey: admin.accessKey, secretKey: admin.secretKey }),
          migrateAuthFromV1Enabled: 'true',
        });
      }
      await writeFile(join(b.homeDir, 'conf', 'plain_acl.yml'), plainAclYml(accounts));
    }
    Object.assign(props, s.extraConf);
    await writeFile(b.confFile, propertiesFile(props, `written by the interop harness for ${s.brokerName}/${s.brokerId}`));
  };

  const brokerLogFiles = major >= 5 ? ['broker_default.log', 'broker.log', 'store.log'] : ['broker.log'];

  const startBroker = async (b: BrokerRuntime): Promise<void> => {
    const name = `${b.spec.brokerName}-${b.spec.brokerId}`;
    for (let attempt = 1; ; attempt++) {
      b.portBase = await allocatePorts(PORT_SPAN);
      b.listenPort = b.portBase + 2;
      await writeBrokerConf(b);
      const proc = new JavaProcess(
        name,
        java,
        [
          ...BROKER_JVM_FLAGS,
          ...JVM_BASE_FLAGS,
          ...(opts.brokerJvmFlags ?? []),
          ...homeProps(b.homeDir),
          '-cp',
          classpath,
          'org.apache.rocketmq.broker.BrokerStartup',
          '-c',
          b.confFile,
        ],
        b.homeDir,
        homeEnv(b.homeDir),
        log,
      );
      if (proc.pid > 0) watchdog.watch('pid', proc.pid);
      b.proc = proc;
      try {
        await proc.waitForLine(/The broker\[.*boot success/, startTimeoutMs, 'The broker[...] boot success');
        await proc.guard(waitFor(`${name} port ${b.listenPort}`, startTimeoutMs, () => tcpProbe(b.listenPort)));
        return;
      } catch (e) {
        const details = await failureDetails(proc, b.homeDir, brokerLogFiles);
        await proc.kill('SIGKILL', 0);
        releasePorts(b.portBase, PORT_SPAN);
        if (attempt < 3 && /Address already in use|BindException/.test(details)) {
          log?.(`[harness] a port of ${name} was taken, retrying with other ports`);
          await rm(join(b.homeDir, 'store'), { recursive: true, force: true });
          continue;
        }
        throw new Error(`RocketMQ ${version} broker ${name} failed to start: ${(e as Error).message}\n${details}`);
      }
    }
  };

  const waitRegistered = async (group: BrokerRuntime[]): Promise<void> => {
    const addrs = group.map((b) => `"127.0.0.1:${b.listenPort}"`);
    let last = '';
    try {
      await waitFor(`brokers ${group.map((b) => b.spec.brokerName + '/' + b.spec.brokerId).join(', ')} in the name server`, startTimeoutMs, async () => {
        try {
          last = await namesrvClusterInfoRaw(`127.0.0.1:${namesrvPort}`);
        } catch (e) {
          last = String(e);
          return false;
        }
        return addrs.every((a) => last.includes(a));
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}; last cluster info: ${last}`);
    }
  };

  const waitHa = async (): Promise<void> => {
    for (const m of brokers.filter((b) => b.spec.brokerId === 0)) {
      const slaves = brokers.filter((b) => b.spec.brokerName === m.spec.brokerName && b.spec.brokerId > 0);
      if (slaves.length === 0) continue;
      const haPort = m.listenPort + 1;
      if ((await establishedOnLocalPort(haPort)) === undefined) {
        log?.('[harness] /proc/net/tcp not readable: not checking the HA connections');
        return;
      }
      try {
        await waitFor(`HA connection(s) of ${slaves.length} slave(s) to ${m.spec.brokerName} (port ${haPort})`, HA_TIMEOUT_MS, async () => {
          return ((await establishedOnLocalPort(haPort)) ?? 0) >= slaves.length;
        }, 250);
      } catch (e) {
        const details = (
          await Promise.all(slaves.map((s) => failureDetails(s.proc, s.homeDir, major >= 5 ? ['store.log', 'broker_default.log'] : ['broker.log'])))
        ).join('\n');
        throw new Error(`${(e as Error).message}\n${details}`);
      }
    }
  };

  try {
    await prepareHome(namesrvHome, 'namesrv');
    namesrvPort = await allocatePorts(1);
    for (const s of specs) {
      const homeDir = join(root, `${s.brokerName}-${s.brokerId}`);
      await prepareHome(homeDir, 'broker');
      brokers.push({ spec: s, homeDir, confFile: join(homeDir, 'conf', 'broker.conf'), listenPort: 0, portBase: 0 });
    }
    const masters = brokers.filter((b) => b.spec.brokerId === 0);
    const slaves = brokers.filter((b) => b.spec.brokerId > 0);

    // Name server first, then the masters in parallel. (Booting the name server concurrently with the masters
    // saves a few seconds when the machine is idle, but on a loaded 2-core machine it made the name server miss
    // its 60 s deadline; and a master that boots before the name server listens is only registered 30 s later.)
    const t1 = Date.now();
    await startNamesrv();
    log?.(`[harness] name server 127.0.0.1:${namesrvPort} up in ${Date.now() - t1} ms`);
    const tM = Date.now();
    await Promise.all(masters.map(startBroker));
    await waitRegistered(masters);
    log?.(`[harness] ${masters.length} master(s) up and registered in ${Date.now() - tM} ms`);
    if (slaves.length > 0) {
      // slaves after their masters: a slave learns its master's HA address when it registers
      const tS = Date.now();
      await Promise.all(slaves.map(startBroker));
      await waitRegistered(slaves);
      if (opts.waitForHa ?? true) await waitHa();
      log?.(`[harness] ${slaves.length} slave(s) up, registered${opts.waitForHa ?? true ? ' and replicating' : ''} in ${Date.now() - tS} ms`);
    }
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }

  // tools home for mqadmin (tools.yml carries the admin credentials when ACL is on)
  const toolsHome = join(root, 'tools');
  await prepareHome(toolsHome, 'tools');
  if (admin) {
    await writeFile(
      join(toolsHome, 'conf', 'tools.yml'),
      `accessKey: ${JSON.stringify(admin.accessKey)}\nsecretKey: ${JSON.stringify(admin.secretKey)}\n`,
    );
  }

  namesrv?.unref();
  for (const b of brokers) b.proc?.unref();
  log?.(`[harness] RocketMQ ${version} cluster ready in ${Date.now() - t0} ms`);

  const namesrvAddr = `127.0.0.1:${namesrvPort}`;
  return {
    version,
    namesrvAddr,
    storeRoot: root,
    namesrvPid: namesrv?.pid ?? -1,
    adminCredentials: admin,
    acl,
    brokers: brokers.map((b) => ({
      brokerName: b.spec.brokerName,
      brokerId: b.spec.brokerId,
      clusterName: b.spec.clusterName,
      addr: `127.0.0.1:${b.listenPort}`,
      listenPort: b.listenPort,
      haPort: b.listenPort + 1,
      pid: b.proc?.pid ?? -1,
      homeDir: b.homeDir,
      kill: (signal: NodeJS.Signals = 'SIGKILL') => b.proc?.kill(signal, graceMs) ?? Promise.resolve(),
    })),
    stop,
    mqadmin: async (args: string[], mopts: { timeoutMs?: number } = {}) => {
      if (stopping) throw new Error('cluster is stopped');
      const full = args.includes('-n') || args.includes('--namesrvAddr') ? [...args] : [...args, '-n', namesrvAddr];
      const r = await runProcess(
        java,
        [
          ...TOOL_JVM_FLAGS,
          ...JVM_BASE_FLAGS,
          ...homeProps(toolsHome),
          '-cp',
          `${adminClasses}${process.platform === 'win32' ? ';' : ':'}${classpath}`,
          'HarnessMQAdmin',
          ...full,
        ],
        { cwd: toolsHome, env: homeEnv(toolsHome), timeoutMs: mopts.timeoutMs ?? 60_000 },
      );
      if (r.timedOut) throw new Error(`mqadmin ${args.join(' ')} timed out\n${tail(r.stdout + r.stderr, 30)}`);
      return { code: r.code, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
