// jest loads global setup files as CommonJS: the .ts extension lets require() find the shared one
export { default } from '../interop/global-teardown.ts';
