/** Java `String.hashCode()`: 32-bit signed, over UTF-16 code units. Used for SubscriptionData.codeSet and consume-queue tag codes. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Tag code stored in the consume queue and matched against `codeSet` (`MessageExtBrokerInner.tagsString2tagsCode`). */
export function tagsCode(tags: string | undefined): number {
  return tags ? javaStringHashCode(tags) : 0;
}
