import { EventEmitter } from 'node:events';
import type { LiveEvent } from '../../shared/api/schemas.ts';

/** Live status updates for one user's uploads. In-process here; cloud mode swaps in a shared bus. */
export interface EventBus {
  publish(userId: string, event: LiveEvent): void;
  subscribe(userId: string, listener: (event: LiveEvent) => void): () => void;
}

export class LocalEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    // One listener per open SSE connection; the default limit of 10 would warn on the 11th tab.
    this.emitter.setMaxListeners(0);
  }
  publish(userId: string, event: LiveEvent): void {
    this.emitter.emit(userId, event);
  }
  subscribe(userId: string, listener: (event: LiveEvent) => void): () => void {
    this.emitter.on(userId, listener);
    return () => this.emitter.off(userId, listener);
  }
}
