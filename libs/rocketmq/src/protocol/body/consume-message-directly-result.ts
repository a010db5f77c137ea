/** ConsumeMessageDirectlyResult: CONSUME_MESSAGE_DIRECTLY response (`body/ConsumeMessageDirectlyResult.java`). */
import { encodeFastjson } from '../json/fastjson.js';
import { bool, num, optStr, parseBody } from './json-fields.js';

export type CMResult = 'CR_SUCCESS' | 'CR_LATER' | 'CR_ROLLBACK' | 'CR_COMMIT' | 'CR_THROW_EXCEPTION' | 'CR_RETURN_NULL';

export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  consumeResult?: CMResult;
  remark?: string;
  spentTimeMills: number;
}

const WHAT = 'ConsumeMessageDirectlyResult';

export function decodeConsumeMessageDirectlyResult(body: Buffer | string): ConsumeMessageDirectlyResult {
  const o = parseBody(WHAT, body);
  const out: ConsumeMessageDirectlyResult = {
    order: bool(WHAT, o, 'order'),
    autoCommit: bool(WHAT, o, 'autoCommit', true),
    spentTimeMills: num(WHAT, o, 'spentTimeMills'),
  };
  const consumeResult = optStr(WHAT, o, 'consumeResult');
  if (consumeResult !== undefined) out.consumeResult = consumeResult as CMResult;
  const remark = optStr(WHAT, o, 'remark');
  if (remark !== undefined) out.remark = remark;
  return out;
}

export function encodeConsumeMessageDirectlyResult(r: ConsumeMessageDirectlyResult): Buffer {
  return encodeFastjson({
    autoCommit: r.autoCommit,
    consumeResult: r.consumeResult,
    order: r.order,
    remark: r.remark,
    spentTimeMills: r.spentTimeMills,
  });
}
