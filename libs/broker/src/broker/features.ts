/**
 * The optional broker features that live in their own folders (delay levels, timers, transactions, request-reply:
 * `schedule/`, `timer/`, `transaction/`, `reply/`; admin/query and ACL: `admin/`, `acl/`). Each folder that has an
 * `index.ts` exporting installer functions (`install…(ctx: BrokerContext) => BrokerService[]`, sync or async) is
 * loaded when the broker starts; folders without one are skipped, so the broker runs with whatever is there.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrokerContext, BrokerService } from './broker-context.js';

/** Folders whose installers run, in this order (put hooks apply in registration order: delay before timer, ...). */
export const FEATURE_FOLDERS: readonly string[] = ['schedule', 'timer', 'transaction', 'reply', 'admin', 'acl'];

type Installer = (ctx: BrokerContext) => BrokerService[] | BrokerService | void | Promise<BrokerService[] | BrokerService | void>;

function moduleExists(folder: string): boolean {
  for (const ext of ['ts', 'js']) {
    try {
      if (fs.existsSync(fileURLToPath(new URL(`./${folder}/index.${ext}`, import.meta.url)))) return true;
    } catch {
      // not a file URL (bundled): try the import anyway
      return true;
    }
  }
  return false;
}

/** Installs every feature folder present; returns the services to start (and stop, in reverse). */
export async function installDefaultFeatures(ctx: BrokerContext, folders: readonly string[] = FEATURE_FOLDERS): Promise<BrokerService[]> {
  const services: BrokerService[] = [];
  for (const folder of folders) {
    if (!moduleExists(folder)) continue;
    const specifier = `./${folder}/index.js`;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(specifier)) as Record<string, unknown>;
    } catch (err) {
      ctx.logger.warn(`Feature module ${folder} could not be loaded: ${(err as Error).message}`, 'BrokerFeatures');
      continue;
    }
    for (const [name, value] of Object.entries(mod)) {
      if (!/^install[A-Z]/.test(name) || typeof value !== 'function') continue;
      const installed = await (value as Installer)(ctx);
      if (Array.isArray(installed)) services.push(...installed);
      else if (installed) services.push(installed);
      ctx.logger.debug?.(`Installed ${folder}/${name}`, 'BrokerFeatures');
    }
  }
  return services;
}
