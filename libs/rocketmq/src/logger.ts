/**
 * The logging seam of the client core. Nest's `Logger` satisfies it, and the Nest layer passes
 * one in; the core never writes to the console itself.
 */
export interface RocketMQLogger {
  log(message: string, context?: string): void;
  error(message: string, trace?: string, context?: string): void;
  warn(message: string, context?: string): void;
  debug?(message: string, context?: string): void;
  verbose?(message: string, context?: string): void;
}

/** Default for the core: warnings and errors to stderr, nothing else. */
export const stderrLogger: RocketMQLogger = {
  log() {},
  error(message, trace, context) {
    process.stderr.write(`[rocketmq] ERROR ${context ? `[${context}] ` : ''}${message}${trace ? `\n${trace}` : ''}\n`);
  },
  warn(message, context) {
    process.stderr.write(`[rocketmq] WARN ${context ? `[${context}] ` : ''}${message}\n`);
  },
};

export const silentLogger: RocketMQLogger = { log() {}, error() {}, warn() {} };
