import { readFileSync } from 'node:fs';

let page: string | undefined;

/** The single-page console (public/console.html), read once. */
export function consolePage(): string {
  page ??= readFileSync(new URL('./public/console.html', import.meta.url), 'utf8');
  return page;
}
