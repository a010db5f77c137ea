import { defineHeader, f } from '../../protocol/header/header-codec.js';

/**
 * DELETE_SUBSCRIPTIONGROUP (207) for both server lines: 5.x reads `cleanOffset`, 4.9.x reads
 * `removeOffset`; each ignores the other's field.
 */
export const DeleteSubscriptionGroupCompatHeader = defineHeader('DeleteSubscriptionGroupRequestHeader', {
  groupName: f.string(),
  cleanOffset: f.optBool(),
  removeOffset: f.optBool(),
});
