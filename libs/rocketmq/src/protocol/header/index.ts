export * from './header-codec.js';
export * from './send-headers.js';
export * from './pull-headers.js';
export * from './offset-headers.js';
export * from './consumer-headers.js';
export * from './transaction-headers.js';
export * from './namesrv-headers.js';
export * from './admin-headers.js';
