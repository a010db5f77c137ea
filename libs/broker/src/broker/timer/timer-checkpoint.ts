/**
 * The timer service's progress (`config/timerCheckpoint.json`). With R = readOffset, L = lowOffset and
 * D = (deliveredTimerOutMs, deliveredQueueOffset), the largest (TIMER_OUT_MS, queue offset) key delivered:
 *   - every timer message below L was delivered (or cancelled);
 *   - a message in [L, R) was delivered iff its key ≤ D and its offset is not in `redo`;
 *   - messages from R on were not read yet.
 * Deliveries go in key order, so `redo` holds only the few messages read late or whose put failed.
 */
import path from 'node:path';
import { JsonConfigFile } from '../../store/json-config-file.js';
import type { BrokerLogger } from '../broker-context.js';

export interface TimerCheckpointState {
  readOffset: number;
  lowOffset: number;
  deliveredTimerOutMs: number;
  deliveredQueueOffset: number;
  redo: number[];
}

export function timerCheckpointPath(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'config', 'timerCheckpoint.json');
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
}

export class TimerCheckpoint {
  private readonly file: JsonConfigFile;

  constructor(filePath: string, logger?: BrokerLogger) {
    this.file = new JsonConfigFile(filePath, logger);
  }

  load(): TimerCheckpointState | undefined {
    const text = this.file.loadText();
    if (text === undefined) return undefined;
    try {
      const raw = JSON.parse(text) as Record<string, unknown>;
      return {
        readOffset: num(raw.readOffset, 0),
        lowOffset: num(raw.lowOffset, 0),
        deliveredTimerOutMs: num(raw.deliveredTimerOutMs, -1),
        deliveredQueueOffset: num(raw.deliveredQueueOffset, -1),
        redo: Array.isArray(raw.redo) ? raw.redo.filter((o): o is number => typeof o === 'number') : [],
      };
    } catch {
      return undefined;
    }
  }

  persist(state: TimerCheckpointState): Promise<void> {
    return this.file.persist(JSON.stringify(state));
  }
}
