/**
 * GET_BROKER_RUNTIME_INFO's key/value table (`AdminBrokerProcessor.prepareRuntimeInfo`,
 * `StoreStatsService.getRuntimeInfo`, `DefaultMessageStore.getRuntimeInfo`). mqadmin clusterList reads putTps,
 * getTransferredTps, the thread-pool queue keys, pageCacheLockTimeMills, earliestMessageTimeStamp,
 * commitLogDiskRatio, brokerVersionDesc, brokerActive and the timer keys; brokerStatus prints them all. Keys this
 * broker has nothing behind (thread pools, transient store pool, latency histograms) are reported as Apache reports
 * an idle broker: 0.
 */
import fs from 'node:fs';
import { decodeStoredMessage } from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerStats } from './broker-stats.js';
import { DEFAULT_BROKER_VERSION, type AdminFeatureOptions } from './admin-options.js';

import { SCHEDULE_TOPIC } from '../metadata/system-topics.js';

/** Java `MixAll.humanReadableByteCount(bytes, false)`: binary units, one decimal. */
export function humanReadableByteCount(bytes: number): string {
  const unit = 1024;
  if (bytes < unit) return `${bytes} B`;
  const exp = Math.floor(Math.log(bytes) / Math.log(unit));
  const pre = 'KMGTPE'.charAt(exp - 1);
  return `${(bytes / Math.pow(unit, exp)).toFixed(1)} ${pre}iB`;
}

function diskUsage(dir: string): { total: number; free: number; ratio: number } | undefined {
  try {
    const s = fs.statfsSync(dir);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    return { total, free, ratio: total > 0 ? (total - s.bfree * s.bsize) / total : 0 };
  } catch {
    return undefined;
  }
}

/** Store time of the oldest message in the commit log, or -1 (`DefaultMessageStore.getEarliestMessageTime`). */
export async function earliestMessageTime(ctx: BrokerContext): Promise<number> {
  const { minOffset, maxOffset } = ctx.store.stats().commitLog;
  if (minOffset >= maxOffset) return -1;
  try {
    const record = await ctx.store.messageAt(minOffset);
    return record ? decodeStoredMessage(record, 0, { decompress: false }).storeTimestamp : -1;
  } catch {
    return -1;
  }
}

export async function buildRuntimeInfo(ctx: BrokerContext, stats: BrokerStats, options: AdminFeatureOptions): Promise<Record<string, string>> {
  const now = (options.now ?? Date.now)();
  const store = ctx.store.stats();
  const version = options.brokerVersion ?? DEFAULT_BROKER_VERSION;
  const puts = stats.putTotals;
  const gets = stats.getTotals;
  const t: Record<string, string> = {};
  const put = (key: string, value: string | number | boolean): void => {
    t[key] = String(value);
  };

  put('brokerVersionDesc', version.desc);
  put('brokerVersion', version.ordinal);
  put('brokerActive', true);
  put('bootTimestamp', stats.bootTimestamp);
  put('runtime', runtimeText(now - stats.bootTimestamp));
  put('startAcceptSendRequestTimeStamp', 0);

  put('msgPutTotalYesterdayMorning', puts.yesterdayMorning);
  put('msgPutTotalTodayMorning', puts.todayMorning);
  put('msgPutTotalTodayNow', puts.now);
  put('msgGetTotalYesterdayMorning', gets.yesterdayMorning);
  put('msgGetTotalTodayMorning', gets.todayMorning);
  put('msgGetTotalTodayNow', gets.now);

  put('putTps', stats.tpsTriple('put'));
  put('getTransferredTps', stats.tpsTriple('consumed'));
  // 4.9.x tools (clusterList) read the old spelling and fail without it.
  put('getTransferedTps', stats.tpsTriple('consumed'));
  put('getFoundTps', stats.tpsTriple('getFound'));
  put('getMissTps', stats.tpsTriple('getMiss'));
  put('getTotalTps', stats.tpsTriple('getTotal'));

  put('putMessageTimesTotal', store.putMessageCount);
  put('putMessageSizeTotal', store.putMessageBytes);
  put('putMessageAverageSize', store.putMessageCount > 0 ? (store.putMessageBytes / store.putMessageCount).toFixed(2) : '0.00');
  put('putMessageFailedTimes', 0);
  put('putMessageEntireTimeMax', 0);
  put('getMessageEntireTimeMax', 0);
  put('putMessageDistributeTime', '[<=0ms]:0 [0~10ms]:0 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 [500ms~1s]:0 [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:0 ');
  put('putLatency99', '0.00');
  put('putLatency999', '0.00');
  put('dispatchMaxBuffer', 0);

  put('commitLogMinOffset', store.commitLog.minOffset);
  put('commitLogMaxOffset', store.commitLog.maxOffset);
  put('dispatchBehindBytes', Math.max(0, store.commitLog.maxOffset - store.commitLog.dispatchedOffset));
  put('remainHowManyDataToFlush', humanReadableByteCount(Math.max(0, store.commitLog.maxOffset - store.commitLog.flushedOffset)));
  put('remainTransientStoreBufferNumbs', 0);
  put('pageCacheLockTimeMills', 0);
  put('earliestMessageTimeStamp', await earliestMessageTime(ctx));

  const storeDir = ctx.config.storePathRootDir;
  const disk = storeDir ? diskUsage(storeDir) : undefined;
  if (disk) {
    put('commitLogDiskRatio', disk.ratio);
    put(`commitLogDiskRatio_${storeDir}`, disk.ratio);
    put('consumeQueueDiskRatio', disk.ratio);
    put('commitLogDirCapacity', `Total : ${humanReadableByteCount(disk.total)}, Free : ${humanReadableByteCount(disk.free)}.`);
  } else {
    put('commitLogDiskRatio', store.diskUsedRatio / 100);
    put('consumeQueueDiskRatio', store.diskUsedRatio / 100);
  }

  for (const pool of ['send', 'pull', 'litePull', 'query', 'ack', 'adminBroker']) {
    put(`${pool}ThreadPoolQueueSize`, 0);
    put(`${pool}ThreadPoolQueueCapacity`, 10_000);
    put(`${pool}ThreadPoolQueueHeadWaitTimeMills`, 0);
  }
  put('EndTransactionQueueSize', 0);
  put('EndTransactionThreadPoolQueueCapacity', 100_000);

  const delay = options.delayOffsets?.();
  if (delay) {
    for (const [level, offset] of delay) {
      put(`scheduleMessageOffset_${level}`, `${offset},${ctx.store.maxOffset(SCHEDULE_TOPIC, level - 1)}`);
    }
  }
  put('timerReadBehind', 0);
  put('timerOffsetBehind', 0);
  put('timerCongestNum', 0);
  put('timerEnqueueTps', '0.0');
  put('timerDequeueTps', '0.0');
  return t;
}

/** `StoreStatsService.getRuntimeInformation`: `[ D days, H hours, M minutes, S seconds ]`. */
function runtimeText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `[ ${days} days, ${hours} hours, ${minutes} minutes, ${seconds} seconds ]`;
}
