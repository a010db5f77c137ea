import type { RemotingServerOptions } from '@app/rocketmq/remoting';

/** The logger shape of the remoting layer (Nest's Logger fits it). */
export type NamesrvLogger = NonNullable<RemotingServerOptions['logger']>;

export const silentNamesrvLogger: NamesrvLogger = { log() {}, error() {}, warn() {} };
