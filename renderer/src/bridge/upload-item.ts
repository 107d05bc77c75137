import type { QueueItem } from '../../../shared/ipc/contract.ts';

/** A queue entry as the renderer shows it: the IPC QueueItem plus the server's processing stage. */
export type UploadItem = QueueItem & { stage?: string | null };
