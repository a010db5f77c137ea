/**
 * delayOffset.json (`ScheduleMessageService` as a ConfigManager): level → next queue offset of its
 * SCHEDULE_TOPIC_XXXX queue, written as fastjson does (`{"dataVersion":{…},"offsetTable":{1:0,2:5}}`).
 */
import path from 'node:path';
import type { JsonValue } from '@app/rocketmq/protocol';
import { JsonConfigFile } from '../../store/json-config-file.js';
import type { BrokerLogger } from '../broker-context.js';

export function delayOffsetPath(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'config', 'delayOffset.json');
}

function entriesOf(value: JsonValue | undefined): [string, JsonValue][] {
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [String(k), v]);
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  return [];
}

export class DelayOffsetTable {
  private readonly file: JsonConfigFile;
  private readonly offsets = new Map<number, number>();
  private counter = 0;

  constructor(filePath: string, logger?: BrokerLogger) {
    this.file = new JsonConfigFile(filePath, logger);
  }

  load(): void {
    const root = this.file.load();
    for (const [key, value] of entriesOf(root)) {
      if (key === 'offsetTable') {
        for (const [level, offset] of entriesOf(value)) {
          const l = Number(level);
          const o = Number(offset);
          if (Number.isInteger(l) && Number.isSafeInteger(o) && o >= 0) this.offsets.set(l, o);
        }
      } else if (key === 'dataVersion') {
        for (const [k, v] of entriesOf(value)) if (k === 'counter' && typeof v === 'number') this.counter = v;
      }
    }
  }

  get(level: number): number | undefined {
    return this.offsets.get(level);
  }

  set(level: number, offset: number): void {
    if (this.offsets.get(level) === offset) return;
    this.offsets.set(level, offset);
    this.counter++;
  }

  snapshot(): Map<number, number> {
    return new Map([...this.offsets.entries()].sort((a, b) => a[0] - b[0]));
  }

  private encode(snapshot: Map<number, number>) {
    return {
      dataVersion: { counter: this.counter, stateVersion: 0, timestamp: Date.now() },
      offsetTable: snapshot,
    };
  }

  persist(snapshot: Map<number, number> = this.snapshot()): Promise<void> {
    return this.file.persist(this.encode(snapshot));
  }

  persistSync(snapshot: Map<number, number> = this.snapshot()): void {
    this.file.persistSync(this.encode(snapshot));
  }
}
