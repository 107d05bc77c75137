/**
 * GET /api/v1/auth/config — public, because the page must learn how to sign in before it holds any
 * credential. Only public settings go out: the mode, the Firebase project id, its Web API key (a
 * public identifier, not a secret) and the Auth emulator's origin when the server trusts it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import { AuthConfigSchema, type AuthConfig } from '../../shared/api/schemas.ts';
import type { SignInConfig } from '../config-sign-in.ts';

/** The part of `config.cloud.firebase` the sign-in page needs (that object can be passed as is). */
export interface FirebaseClientSettings {
  projectId: string;
  webApiKey: string | undefined;
  /** `host:port` of the Firebase Auth emulator. */
  emulatorHost: string | undefined;
  signIn?: SignInConfig | undefined;
}

export function authConfigOf(mode: string, firebase: FirebaseClientSettings | undefined): AuthConfig {
  if (mode !== 'cloud' || !firebase) return { mode: 'local', firebase: null };
  const desktop = firebase.signIn?.googleDesktopClient;
  return {
    mode: 'cloud',
    firebase: {
      project_id: firebase.projectId,
      api_key: firebase.webApiKey ?? null,
      emulator_url: firebase.emulatorHost ? `http://${firebase.emulatorHost}` : null,
      auth_domain: firebase.signIn?.authDomain ?? `${firebase.projectId}.firebaseapp.com`,
      google: firebase.signIn?.google ?? true,
      google_desktop_client: desktop ? { client_id: desktop.clientId, client_secret: desktop.clientSecret ?? null } : null,
    },
  };
}

/** Extra CSP sources the page needs to sign in (web-ui.ts adds them next to 'self'). */
export interface AuthCspSources {
  /** connect-src: Firebase Auth's REST endpoints, or the emulator. */
  connect: string[];
  /** script-src: Google's API loader, which Firebase's Google popup uses to talk to its helper frame. */
  script: string[];
  /** frame-src: that helper frame, on the auth domain (or the emulator). */
  frame: string[];
}

/**
 * Origins the web page must be allowed to reach to sign in: Google's two auth endpoints (or the
 * emulator) — and for the Google popup, Google's API loader and the auth domain's helper frame.
 * Nothing in local mode, where the page talks to this server only.
 */
export function authCspSources(config: AuthConfig): AuthCspSources {
  const none: AuthCspSources = { connect: [], script: [], frame: [] };
  const fb = config.firebase;
  if (!fb) return none;
  const connect = fb.emulator_url ? [fb.emulator_url] : ['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com'];
  if (fb.google === false) return { ...none, connect };
  return {
    connect,
    script: ['https://apis.google.com'],
    frame: [fb.emulator_url ?? `https://${fb.auth_domain ?? `${fb.project_id}.firebaseapp.com`}`],
  };
}

export const authConfigRoutes = (config: AuthConfig): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/auth/config', {
    schema: { summary: 'How to sign in to this server (no token needed).', security: [], response: { 200: Envelope(AuthConfigSchema) } },
    config: { public: true },
  }, async () => ok(config));
};
