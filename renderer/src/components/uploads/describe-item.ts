import type { UploadItem } from '../../bridge/upload-item.ts';
import { formatStage } from '../../lib/items.ts';

interface ItemView {
  label: string;
  tone: 'neutral' | 'active' | 'success' | 'error';
  /** 0–100 for the bar, null for no bar. */
  bar: number | null;
  canCancel: boolean;
  canRetry: boolean;
}

/** The words and bar for one upload in the state it is in. */
export function describeItem(item: UploadItem, stage?: { stage: string | null; progress: number }): ItemView {
  switch (item.state) {
    case 'queued': return { label: 'Queued', tone: 'neutral', bar: 0, canCancel: true, canRetry: false };
    case 'paused': return { label: 'Paused', tone: 'neutral', bar: item.progress, canCancel: true, canRetry: false };
    case 'hashing': return { label: `Checking ${item.progress} %`, tone: 'active', bar: item.progress, canCancel: true, canRetry: false };
    case 'uploading': return { label: `Uploading ${item.progress} %`, tone: 'active', bar: item.progress, canCancel: true, canRetry: false };
    case 'processing': {
      const s = item.stage ?? stage?.stage ?? null;
      const progress = Math.max(item.progress, stage?.progress ?? 0);
      const shown = s && s !== 'queued' ? ` \u00b7 ${formatStage(s)}` : s === 'queued' ? ' \u00b7 Waiting' : '';
      return { label: `Processing ${progress} %${shown}`, tone: 'active', bar: progress, canCancel: false, canRetry: false };
    }
    case 'completed': return { label: item.batchId ? 'Archive sent' : 'Completed', tone: 'success', bar: null, canCancel: false, canRetry: false };
    case 'duplicate': return { label: 'Already in your Trove', tone: 'success', bar: null, canCancel: false, canRetry: false };
    case 'cancelled': return { label: 'Cancelled', tone: 'neutral', bar: null, canCancel: false, canRetry: true };
    case 'failed': return { label: `Failed: ${item.error?.message ?? 'unknown error'}`, tone: 'error', bar: null, canCancel: false, canRetry: true };
  }
}
