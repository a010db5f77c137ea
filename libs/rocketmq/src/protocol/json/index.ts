export * from './fastjson.js';
