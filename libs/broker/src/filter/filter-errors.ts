import { ResponseCode, RocketMQError } from '@app/rocketmq/protocol';

/** Line (1-based) and column (1-based, in UTF-16 code units) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    // "\r\n" counts as one line break, as in JavaCC's SimpleCharStream.
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * An SQL92 filter expression that Apache RocketMQ would refuse (`MQFilterException` from `SelectorParser.parse`):
 * a lexical or syntax error, a literal out of range, or an operand that cannot be compared. The broker answers
 * SUBSCRIPTION_PARSE_FAILED (23). `offset` is 0-based; `line`/`column` are 1-based.
 */
export class Sql92ParseError extends RocketMQError {
  override name = 'Sql92ParseError';
  readonly line: number;
  readonly column: number;

  constructor(
    readonly reason: string,
    readonly expression: string,
    readonly offset: number,
  ) {
    const { line, column } = lineAndColumn(expression, offset);
    super(
      `Invalid SQL92 filter expression at line ${line}, column ${column} (offset ${offset}): ${reason}. ` +
        'Fix the subscription expression of the consumer.',
      ResponseCode.SUBSCRIPTION_PARSE_FAILED,
    );
    this.line = line;
    this.column = column;
  }
}

/**
 * Evaluating a compiled expression against one message failed where Java throws (a property that does not parse as
 * the number it is compared with, ordering two strings that are not numbers, a boolean compared with a string).
 * Apache's broker logs the error and does not deliver the message; `CompiledFilter.matches` returns false.
 */
export class Sql92EvaluationError extends RocketMQError {
  override name = 'Sql92EvaluationError';
}
