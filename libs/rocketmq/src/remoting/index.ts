/** Sockets of the remoting protocol: one connection class for both ends, a client pool and a server. */
export * from './remoting-connection.js';
export * from './remoting-client.js';
export * from './remoting-server.js';
export * from './acl-signer.js';
export * from './in-flight-requests.js';
