/**
 * What the stores talk to: the API client, the bridge, the token vault. Built once at start-up
 * (main.tsx) from what the page finds, or handed in by tests.
 */
import type { AuthConfig } from '../../shared/api/schemas.ts';
import { ApiClient } from './api/client.ts';
import { webUploadTransport } from './api/tus-upload.ts';
import { ElectronBridge, hasTroveBridge, withCleanErrors } from './bridge/electron-bridge.ts';
import type { Bridge } from './bridge/types.ts';
import { WebBridge } from './bridge/web-bridge.ts';
import { WebUploadQueue } from './bridge/web-queue.ts';
import { TokenVault } from './lib/token.ts';
import { currentUploadOptions } from './stores/upload-options.ts';

/** Cloud-mode sign-in's outside world; absent (tests, older setups) means local tokens only. */
export interface AuthServices {
  /** GET /auth/config of the server this page talks to (the Firebase SDK keeps the sign-in itself). */
  loadConfig(): Promise<AuthConfig>;
}

export interface Services {
  api: ApiClient;
  bridge: Bridge;
  vault: TokenVault;
  auth?: AuthServices;
}

let current: Services | null = null;

export function setServices(services: Services | null): void {
  current = services;
}

export function getServices(): Services {
  if (!current) throw new Error('Services are not set up yet (call setServices first).');
  return current;
}

function storage(kind: 'sessionStorage' | 'localStorage'): Storage | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

/** Feature detection: the preload's `window.trove` means Electron; otherwise this is a browser tab. */
export function createServices(onUnauthorized: () => void): Services {
  const api = new ApiClient({ onUnauthorized });
  const vault = new TokenVault(storage('sessionStorage'), storage('localStorage'));
  // The same sign-in in both: /auth/config of the server the API client points at (in Electron, the
  // configured cloud server, which the session sets before asking).
  const auth: AuthServices = { loadConfig: () => api.request<AuthConfig>('GET', '/auth/config') };
  if (hasTroveBridge(window)) {
    return { api, bridge: new ElectronBridge(withCleanErrors(window.trove), currentUploadOptions), vault, auth };
  }
  const queue = new WebUploadQueue({
    transport: webUploadTransport(api, storage('sessionStorage'), onUnauthorized),
    retryProcessing: (id) => api.retryUpload(id),
    jobStatus: (jobId) => api.jobStatus(jobId),
    concurrency: 3,
  });
  const bridge = new WebBridge(queue, { origin: window.location.origin, token: () => vault.get()?.token ?? null, storage: storage('localStorage') });
  return { api, bridge, vault, auth };
}
