import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ErrorEnvelope } from '../../shared/api/envelope.ts';
import { API_PREFIX } from '../../shared/api/schemas.ts';
import { requestIdFrom, withLogContext } from '../correlation.ts';
import { authConfigOf, authConfigRoutes, authCspSources, type FirebaseClientSettings } from '../routes/auth-config.ts';
import { eventRoutes } from '../routes/events.ts';
import { fileRoutes } from '../routes/files.ts';
import { searchRoutes } from '../routes/search.ts';
import { organizeRoutes } from '../routes/organize.ts';
import { sharePageRoutes } from '../routes/share-page.ts';
import { shareRoutes } from '../routes/shares.ts';
import { systemRoutes } from '../routes/system.ts';
import { tusRoutes } from '../routes/tus.ts';
import { uploadBatchRoutes } from '../routes/upload-batch.ts';
import { uploadRoutes } from '../routes/uploads.ts';
import { archiveRoutes } from '../routes/archives.ts';
import { usageRoutes } from '../routes/usage.ts';
import type { AppContext } from './context.ts';
import { frameworkErrorReply, registerErrorHandling } from './errors.ts';
import { loopbackHosts, registerGuards } from './guards.ts';
import { registerRateLimits, type ApiLimits } from './rate-limit-hooks.ts';
import { cacheStatusOf } from '../services/search-cache.ts';
import { lazySerializerFactory } from './lazy-schemas.ts';
import { validatorCompiler } from './validation.ts';
import { registerWebUi } from './web-ui.ts';

export interface AppOptions {
  logger: FastifyBaseLogger;
  /** Host headers this server answers to; read on each request because the port may be chosen at listen time. */
  allowedHosts?: () => Set<string> | null;
  /** Folder of the web UI build served at `/` (default `dist/renderer`). */
  webRoot?: string;
  /** Per-user request and upload limits (cloud mode); absent = unlimited. */
  limits?: ApiLimits | undefined;
  /** Cloud mode: the Firebase settings the sign-in page needs (`config.cloud.firebase` as is). */
  firebase?: FirebaseClientSettings | undefined;
  /** Origins of the bucket's signed links (cloud storage), which the page loads thumbnails and previews from. */
  mediaOrigins?: readonly string[] | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a bearer token. */
    public?: boolean;
    /** Authorised by what the URL carries (a share token, a link signature), so answered under any Host name (guards.ts). */
    anyHost?: boolean;
  }
}

export async function buildApp(ctx: AppContext, opts: AppOptions): Promise<FastifyInstance> {
  const validator = validatorCompiler();
  const app = Fastify({
    loggerInstance: opts.logger,
    // The correlation id: the caller's X-Request-ID when acceptable, else a new one.
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Node's default of 5 minutes would cut off a slow 100 MB upload mid-body.
    requestTimeout: 0,
    frameworkErrors: frameworkErrorReply,
    // Schemas compile on each route's first request, not at start-up (lazy-schemas.ts). Given here,
    // not by setValidatorCompiler, so Fastify never loads its default Ajv compiler (~0.2 s).
    schemaController: { compilersFactory: { buildValidator: () => validator, buildSerializer: lazySerializerFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  registerGuards(app, opts.allowedHosts ?? (() => loopbackHosts(80)));
  // Everything after this hook (auth, handler, services) runs inside the request's log context, so
  // service log lines and an enqueued job carry the request id. A callback hook, because only the
  // `done` continuation runs inside `withLogContext`.
  app.addHook('onRequest', (req, _reply, done) => withLogContext({ requestId: req.id }, done));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-ID', req.id);
    const url = req.url.split('?')[0] ?? '';
    if (req.routeOptions.config.public || url.startsWith(`${API_PREFIX}/docs`) || url === `${API_PREFIX}/openapi.json`) return;
    if (!url.startsWith(API_PREFIX)) return;
    req.user = await ctx.auth.authenticate(req.headers.authorization);
  });
  if (opts.limits) registerRateLimits(app, opts.limits);
  // Whether a search came from the search cache, for clients, load tests and the cache's own tests.
  app.addHook('preSerialization', async (_req, reply, payload) => {
    const status = cacheStatusOf((payload as { data?: unknown } | null)?.data);
    if (status) reply.header('X-Cache', status);
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  // preservePath: names are kept as the user gave them (`a\b.txt` too); they are only ever displayed.
  await app.register(multipart, { limits: { fileSize: ctx.maxFileSize, files: 1 }, preservePath: true });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Trove API', version: ctx.version, description: 'Search your own images, videos, audio and documents. Every JSON response is wrapped in `{status, data, error, meta, timestamp}`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { ErrorEnvelope: ErrorEnvelope as never } },
      security: [{ bearer: [] }],
    },
    transformObject: (doc) => describeUploadBody('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: `${API_PREFIX}/docs` });

  const authConfig = authConfigOf(ctx.mode, opts.firebase);
  await app.register(async (api) => {
    await api.register(systemRoutes(ctx));
    await api.register(authConfigRoutes(authConfig));
    await api.register(uploadRoutes(ctx));
    await api.register(uploadBatchRoutes(ctx));
    await api.register(archiveRoutes(ctx));
    if (ctx.tus) await api.register(tusRoutes(ctx.tus));
    await api.register(searchRoutes(ctx));
    if (ctx.organize) await api.register(organizeRoutes(ctx, ctx.organize));
    if (ctx.shares) await api.register(shareRoutes(ctx.shares));
    await api.register(usageRoutes(ctx));
    await api.register(fileRoutes(ctx));
    await api.register(eventRoutes(ctx));
    api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  }, { prefix: API_PREFIX });
  // The web UI (renderer build) at / — or, without a build, a redirect to the API documentation.
  if (ctx.shares) await app.register(sharePageRoutes(ctx.shares, opts.mediaOrigins ?? []));
  await registerWebUi(app, { root: opts.webRoot, log: opts.logger, cspExtras: { ...authCspSources(authConfig), media: opts.mediaOrigins ?? [] } });
  return app;
}

/** Multipart bodies are parsed by hand (streamed), so their schema is added to the document here. */
function describeUploadBody<T extends { paths?: unknown }>(doc: T): T {
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>> | undefined;
  const post = paths?.[`${API_PREFIX}/upload`]?.post;
  if (post) {
    post.requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'string', format: 'binary', description: 'The file; its type is decided from its bytes.' },
              metadata: { type: 'string', description: 'Optional JSON object stored with the upload.' },
            },
          },
        },
      },
    };
  }
  return doc;
}
