/** Settings' "AI usage this month": `GET /usage`, asked each time Settings opens. */
import { create } from 'zustand';
import type { Usage } from '../../../shared/api/schemas.ts';
import { ApiError } from '../api/errors.ts';
import { getServices } from '../services.ts';

export interface UsageState {
  usage: Usage | null;
  loading: boolean;
  error: string | null;
  /** The server has no usage report (an older server): the section explains instead of failing. */
  unsupported: boolean;

  load: () => Promise<void>;
  reset: () => void;
}

let seq = 0;
const initial = { usage: null, loading: false, error: null, unsupported: false };

export const useUsage = create<UsageState>()((set) => ({
  ...initial,

  async load() {
    const mine = ++seq;
    // Never show an earlier answer meanwhile: it may be another account's or another server's.
    set({ loading: true, error: null, usage: null });
    try {
      const usage = await getServices().api.usage();
      if (mine !== seq) return;
      set({ usage, loading: false, unsupported: false });
    } catch (err) {
      if (mine !== seq) return;
      if (err instanceof ApiError && err.status === 404 && /^No route/i.test(err.message)) {
        set({ loading: false, unsupported: true, usage: null });
        return;
      }
      const message = err instanceof ApiError ? `${err.message}${err.code ? ` (${err.code})` : ''}` : 'The usage report could not be loaded.';
      set({ loading: false, error: message });
    }
  },

  reset() {
    seq += 1;
    set({ ...initial });
  },
}));


