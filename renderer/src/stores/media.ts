/** Signed links for thumbnails, previews and originals: resolved on demand, refreshed when one fails. */
import { create } from 'zustand';
import type { FileVariant } from '../../../shared/api/schemas.ts';
import { getServices } from '../services.ts';

export const mediaKey = (id: string, variant: FileVariant) => `${id}:${variant}`;

interface MediaState {
  urls: Record<string, string>;
  /** Links that could not be had (no preview for this file, for example). */
  missing: Record<string, true>;
  resolve: (id: string, variant: FileVariant, opts?: { fresh?: boolean }) => Promise<string | null>;
  reset: () => void;
}

const pending = new Map<string, Promise<string | null>>();

export const useMedia = create<MediaState>()((set, get) => ({
  urls: {},
  missing: {},

  resolve(id, variant, opts = {}) {
    const key = mediaKey(id, variant);
    if (!opts.fresh) {
      const known = get().urls[key];
      if (known) return Promise.resolve(known);
      if (get().missing[key]) return Promise.resolve(null);
    }
    const running = pending.get(key);
    if (running) return running;
    const { api } = getServices();
    if (opts.fresh) api.forgetFileUrl(id, variant);
    const p = api.fileUrl(id, variant, { fresh: opts.fresh }).then((url) => {
      set((s) => ({ urls: { ...s.urls, [key]: url } }));
      return url;
    }, () => {
      set((s) => ({ missing: { ...s.missing, [key]: true } }));
      return null;
    }).finally(() => pending.delete(key));
    pending.set(key, p);
    return p;
  },

  reset: () => set({ urls: {}, missing: {} }),
}));
