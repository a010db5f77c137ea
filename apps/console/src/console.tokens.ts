/** The AdminClient the console reads the cluster through (started at module init, shut down with the app). */
export const CONSOLE_ADMIN = Symbol('CONSOLE_ADMIN');
/** `host:port` of the name server the console watches. */
export const CONSOLE_NAME_SERVER = Symbol('CONSOLE_NAME_SERVER');
