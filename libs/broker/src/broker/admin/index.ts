/**
 * Feature folder entry (see ../features.ts): the broker installs every `install…` export found here at start.
 * Only the admin installer is exported, so nothing else gets called.
 */
export { installAdminFeatures } from '../admin-features.js';
