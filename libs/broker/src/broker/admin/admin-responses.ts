/** Response builders shared by the admin processors (a response always answers one request). */
import { RemotingCommand, ResponseCode, type ExtFields } from '@app/rocketmq/protocol';

export function success(request: RemotingCommand, body?: Buffer, extFields?: ExtFields): RemotingCommand {
  return RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, extFields, body);
}

export function failure(request: RemotingCommand, code: number, remark: string): RemotingCommand {
  return RemotingCommand.response(request, code, remark);
}
