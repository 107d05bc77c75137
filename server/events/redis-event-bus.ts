import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { LiveEvent } from '../../shared/api/schemas.ts';
import type { EventBus } from './event-bus.ts';

export interface RedisEventBusOptions {
  /** Commands (PUBLISH); may be shared with the rate limiter and cache. */
  publisher: Redis;
  /** Used only for SUBSCRIBE: a connection in subscriber mode can run no other command. */
  subscriber: Redis;
  prefix?: string;
  onError?: (err: unknown) => void;
}

/**
 * Live status events across processes: a worker publishes on the user's channel and every API
 * process with an open event stream for that user receives it. One subscriber connection per
 * process, subscribed to a user's channel only while that user has a listener here. Local
 * listeners hear their own process's events through Redis too, so each arrives exactly once.
 */
export class RedisEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  private readonly prefix: string;
  private readonly onError: (err: unknown) => void;
  /** Per channel: the SUBSCRIBE in flight or done, so a listener can wait until events reach it. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: RedisEventBusOptions) {
    this.prefix = opts.prefix ?? 'trove:events:';
    this.onError = opts.onError ?? (() => undefined);
    // One listener per open SSE connection; the default limit of 10 would warn on the 11th tab.
    this.emitter.setMaxListeners(0);
    opts.subscriber.on('message', (channel: string, message: string) => {
      if (!channel.startsWith(this.prefix)) return;
      let event: LiveEvent;
      try {
        event = JSON.parse(message) as LiveEvent;
      } catch (err) {
        this.onError(err);
        return;
      }
      this.emitter.emit(channel.slice(this.prefix.length), event);
    });
  }

  publish(userId: string, event: LiveEvent): void {
    // Fire and forget, like the in-process bus: a lost status event is repaired by the client's
    // next poll of the job, and the upload itself never waits on Redis.
    this.opts.publisher.publish(this.prefix + userId, JSON.stringify(event)).catch(this.onError);
  }

  subscribe(userId: string, listener: (event: LiveEvent) => void): () => void {
    const channel = this.prefix + userId;
    this.emitter.on(userId, listener);
    if (!this.subscribed.has(channel)) {
      this.subscribed.set(channel, this.opts.subscriber.subscribe(channel).catch(this.onError));
    }
    return () => {
      this.emitter.off(userId, listener);
      if (this.emitter.listenerCount(userId) === 0 && this.subscribed.delete(channel)) {
        this.opts.subscriber.unsubscribe(channel).catch(this.onError);
      }
    };
  }

  /** Resolves once Redis confirmed the user's channel subscription (events published before may be missed). */
  async ready(userId: string): Promise<void> {
    await this.subscribed.get(this.prefix + userId);
  }
}
