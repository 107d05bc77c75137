import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, TroveError, type ErrorCode } from '../../shared/api/errors.ts';
import { isDiskFull } from '../disk-full.ts';
import { fail } from '../../shared/api/envelope.ts';

/** Fastify's own error codes, mapped to ours with a message a person can act on. */
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION_ERROR', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_ERROR', 'The request body is empty; send a JSON object.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['FILE_TOO_LARGE', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_FILE_TYPE', 'This endpoint does not accept that Content-Type.'],
  FST_REQ_FILE_TOO_LARGE: ['FILE_TOO_LARGE', 'The file is larger than the upload limit.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['VALIDATION_ERROR', 'Send the file as multipart/form-data with a field named "file".'],
  FST_FILES_LIMIT: ['VALIDATION_ERROR', 'Send one file per upload request.'],
  FST_PARTS_LIMIT: ['VALIDATION_ERROR', 'Too many form fields; send "file" and optionally "metadata".'],
  FST_FIELDS_LIMIT: ['VALIDATION_ERROR', 'Too many form fields; send "file" and optionally "metadata".'],
};

/**
 * Fastify's `frameworkErrors`: errors raised before routing (a path parameter over `maxParamLength`,
 * a malformed URL) get the envelope too instead of Fastify's own JSON shape.
 */
export function frameworkErrorReply(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : 'The request URL is not valid.';
  void reply.status(400).send(fail('VALIDATION_ERROR', message));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | TroveError, req, reply) => {
    let code: ErrorCode;
    let message: string;
    let details: unknown;
    if (err instanceof TroveError) {
      ({ code, message, details } = err);
    } else if (err.validation) {
      code = 'VALIDATION_ERROR';
      const where = err.validationContext ?? '';
      details = err.validation.map((e) => ({ path: `${where}${e.instancePath}`, message: e.message, params: e.params }));
      message = `Invalid request: ${err.validation.map((e) => `${where}${e.instancePath} ${e.message ?? ''}`.trim()).join('; ')}`;
    } else if (isDiskFull(err)) {
      // A database write (or any file write) on a full disk: say so, with a retryable code.
      code = 'INSUFFICIENT_STORAGE';
      message = 'The disk is full. Free some space, then try again.';
    } else if (err.code && FASTIFY_CODES[err.code]) {
      [code, message] = FASTIFY_CODES[err.code]!;
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      code = err.statusCode === 404 ? 'NOT_FOUND' : err.statusCode === 413 ? 'FILE_TOO_LARGE' : 'VALIDATION_ERROR';
      message = err.message;
    } else {
      req.log.error({ err }, 'unhandled error');
      code = 'INTERNAL_ERROR';
      message = `Something went wrong on the server; it was logged with request id ${req.id}.`;
    }
    const status = ERROR_CODES[code].status;
    if (code === 'RATE_LIMITED') reply.header('Retry-After', '60');
    // Refused before its body was read in full (an upload over the limit): nothing reads the rest
    // any more, so keeping the connection would leave it stuck until the client gives up.
    if (!req.raw.complete) reply.header('Connection', 'close');
    return reply.status(status >= 400 && status < 600 ? status : 500).send(fail(code, message, details));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(fail('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)),
  );
}
