/**
 * GET /api/v1/auth/config — public, because the page must learn how to sign in before it holds any
 * credential. Only public settings go out: the mode, the Firebase project id, its Web API key (a
 * public identifier, not a secret) and the Auth emulator's origin when the server trusts it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope } from '../../shared/api/envelope.ts';
import { AuthConfigSchema, type AuthConfig } from '../../shared/api/schemas.ts';
import { ok } from '../http/envelope.ts';

/** The part of `config.cloud.firebase` the sign-in page needs (that object can be passed as is). */
export interface FirebaseClientSettings {
  projectId: string;
  webApiKey: string | undefined;
  /** `host:port` of the Firebase Auth emulator. */
  emulatorHost: string | undefined;
}

export function authConfigOf(mode: string, firebase: FirebaseClientSettings | undefined): AuthConfig {
  if (mode !== 'cloud' || !firebase) return { mode: 'local', firebase: null };
  return {
    mode: 'cloud',
    firebase: {
      project_id: firebase.projectId,
      api_key: firebase.webApiKey ?? null,
      emulator_url: firebase.emulatorHost ? `http://${firebase.emulatorHost}` : null,
    },
  };
}

/**
 * Origins the web page must be allowed to reach (CSP connect-src) to sign in: Google's two auth
 * endpoints, or the emulator — nothing in local mode, where the page talks to this server only.
 */
export function authConnectSources(config: AuthConfig): string[] {
  if (!config.firebase) return [];
  if (config.firebase.emulator_url) return [config.firebase.emulator_url];
  return ['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com'];
}

export const authConfigRoutes = (config: AuthConfig): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/auth/config', {
    schema: { summary: 'How to sign in to this server (no token needed).', security: [], response: { 200: Envelope(AuthConfigSchema) } },
    config: { public: true },
  }, async () => ok(config));
};
