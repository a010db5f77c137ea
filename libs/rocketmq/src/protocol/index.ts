/** Pure codecs of the RocketMQ remoting protocol, shared by the client and the embedded broker. */
export * from './errors.js';
export * from './request-code.js';
export * from './response-code.js';
export * from './language-code.js';
export * from './serialize-type.js';
export * from './remoting-command.js';
export * from './frame-decoder.js';
export * from './topic-validator.js';
export * from './header/index.js';
export * from './message/index.js';
export * from './json/index.js';
export * from './body/index.js';
