import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isBatchEvent } from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';

/** Proxies and idle timers close quiet connections; a comment line every 15 s keeps this one open. */
const HEARTBEAT_MS = 15_000;

export const eventRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  /** Streams never end on their own; shutting down ends them, or closing the server would wait for every open tab. */
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/events', {
    schema: { summary: 'Server-Sent Events: `event: upload` with live status of your uploads, `event: batch` with each entry of an archive as it is read.', produces: ['text/event-stream'] },
  }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    const unsubscribe = ctx.events.subscribe(req.user.id, (event) => {
      res.write(`event: ${isBatchEvent(event) ? 'batch' : 'upload'}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    open.add(end);
    req.raw.once('close', close);
    res.once('close', close);
  });
};
