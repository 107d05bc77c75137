import { EventEmitter } from 'node:events';
import type { UploadEvent } from '../../shared/api/schemas.ts';

/** Live status updates for one user's uploads. In-process here; cloud mode swaps in a shared bus. */
export interface EventBus {
  publish(userId: string, event: UploadEvent): void;
  subscribe(userId: string, listener: (event: UploadEvent) => void): () => void;
}

export class LocalEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    // One listener per open SSE connection; the default limit of 10 would warn on the 11th tab.
    this.emitter.setMaxListeners(0);
  }
  publish(userId: string, event: UploadEvent): void {
    this.emitter.emit(userId, event);
  }
  subscribe(userId: string, listener: (event: UploadEvent) => void): () => void {
    this.emitter.on(userId, listener);
    return () => this.emitter.off(userId, listener);
  }
}
