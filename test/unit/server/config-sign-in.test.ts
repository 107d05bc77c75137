/**
 * The sign-in settings a cloud server publishes at GET /auth/config (Google, the popup's auth
 * domain, the desktop app's OAuth client) and the CSP the web page gets for them.
 */
import { describe, expect, it } from 'vitest';
import { loadSignInConfig } from '../../../server/config-sign-in.ts';
import { webUiCsp } from '../../../server/http/web-ui.ts';
import { authConfigOf, authCspSources } from '../../../server/routes/auth-config.ts';

const PROJECT = { FIREBASE_PROJECT_ID: 'my-trove' };

describe('sign-in configuration', () => {
  it('defaults: Google on, the project\'s firebaseapp.com domain, no desktop client', () => {
    expect(loadSignInConfig(PROJECT)).toEqual({ authDomain: undefined, google: true, googleDesktopClient: undefined });
    const config = authConfigOf('cloud', { projectId: 'my-trove', webApiKey: 'AIza-key', emulatorHost: undefined, signIn: loadSignInConfig(PROJECT) });
    expect(config).toEqual({
      mode: 'cloud',
      firebase: { project_id: 'my-trove', api_key: 'AIza-key', emulator_url: null, auth_domain: 'my-trove.firebaseapp.com', google: true, google_desktop_client: null },
    });
    expect(authConfigOf('local', undefined)).toEqual({ mode: 'local', firebase: null });
  });

  it('takes a custom auth domain, Google off, and the desktop OAuth client', () => {
    const signIn = loadSignInConfig({
      ...PROJECT, FIREBASE_AUTH_DOMAIN: 'login.trove.example.com', FIREBASE_GOOGLE_SIGN_IN: 'off',
      GOOGLE_OAUTH_DESKTOP_CLIENT_ID: '1234-abc.apps.googleusercontent.com', GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET: 'GOCSPX-x',
    });
    expect(signIn).toEqual({ authDomain: 'login.trove.example.com', google: false, googleDesktopClient: { clientId: '1234-abc.apps.googleusercontent.com', clientSecret: 'GOCSPX-x' } });
    expect(authConfigOf('cloud', { projectId: 'my-trove', webApiKey: undefined, emulatorHost: undefined, signIn }).firebase).toMatchObject({
      auth_domain: 'login.trove.example.com', google: false, google_desktop_client: { client_id: '1234-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-x' },
    });
  });

  it.each([
    [{ FIREBASE_AUTH_DOMAIN: 'x.firebaseapp.com' }, /FIREBASE_AUTH_DOMAIN is set but FIREBASE_PROJECT_ID is not/],
    [{ GOOGLE_OAUTH_DESKTOP_CLIENT_ID: 'a.apps.googleusercontent.com' }, /GOOGLE_OAUTH_DESKTOP_CLIENT_ID is set but FIREBASE_PROJECT_ID is not/],
    [{ ...PROJECT, GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET: 's' }, /GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET is set but GOOGLE_OAUTH_DESKTOP_CLIENT_ID is not/],
    [{ ...PROJECT, FIREBASE_AUTH_DOMAIN: 'https://x.firebaseapp.com/' }, /FIREBASE_AUTH_DOMAIN must be a host name such as/],
    [{ ...PROJECT, FIREBASE_GOOGLE_SIGN_IN: 'maybe' }, /FIREBASE_GOOGLE_SIGN_IN must be true or false/],
    [{ ...PROJECT, GOOGLE_OAUTH_DESKTOP_CLIENT_ID: 'has spaces' }, /GOOGLE_OAUTH_DESKTOP_CLIENT_ID must be an OAuth client id/],
  ])('refuses %j', (env, message) => {
    expect(() => loadSignInConfig(env)).toThrow(message);
  });

  it('the page may reach only what its sign-in needs', () => {
    const google = authConfigOf('cloud', { projectId: 'my-trove', webApiKey: 'k', emulatorHost: undefined, signIn: loadSignInConfig(PROJECT) });
    expect(authCspSources(google)).toEqual({
      connect: ['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com'],
      script: ['https://apis.google.com'],
      frame: ['https://my-trove.firebaseapp.com'],
    });
    const csp = webUiCsp(authCspSources(google));
    expect(csp).toContain("connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com;");
    expect(csp).toContain("script-src 'self' https://apis.google.com;");
    expect(csp).toContain("frame-src 'self' https://my-trove.firebaseapp.com");
    expect(csp).toContain("frame-ancestors 'none'");

    const emulator = authConfigOf('cloud', { projectId: 'demo-trove', webApiKey: undefined, emulatorHost: '127.0.0.1:9099', signIn: loadSignInConfig({ FIREBASE_PROJECT_ID: 'demo-trove' }) });
    expect(authCspSources(emulator)).toEqual({ connect: ['http://127.0.0.1:9099'], script: ['https://apis.google.com'], frame: ['http://127.0.0.1:9099'] });

    const passwordOnly = authConfigOf('cloud', { projectId: 'my-trove', webApiKey: 'k', emulatorHost: undefined, signIn: loadSignInConfig({ ...PROJECT, FIREBASE_GOOGLE_SIGN_IN: 'false' }) });
    expect(webUiCsp(authCspSources(passwordOnly))).not.toMatch(/apis\.google\.com|frame-src/);
    expect(webUiCsp(authCspSources(authConfigOf('local', undefined)))).toBe(webUiCsp());
  });
});
