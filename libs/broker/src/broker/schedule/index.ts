/**
 * Entry of the delivery features for the broker's feature loader (features.ts): delay levels, timer messages,
 * transactions and request-reply are installed together by `installDeliveryFeatures` (their hooks must run in one
 * order), so only this folder has an index.
 */
export { installDeliveryFeatures } from '../delivery-features.js';
export { createScheduleTagsCode, scheduleTagsCode, SCHEDULE_TOPIC } from './delay-levels.js';
