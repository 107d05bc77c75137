import { readJsonFile, JsonFileWriter } from './json-file.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Undefined x/y: let the OS place the window (first run). */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };
export const MIN_SIZE = { width: 640, height: 480 };

/** The slice of a BrowserWindow the tracker needs. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses a saved state, dropping anything malformed. */
export function parseWindowState(raw: unknown): WindowState {
  if (!raw || typeof raw !== 'object') return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const state: WindowState = {
    width: isNum(r.width) ? Math.max(MIN_SIZE.width, Math.round(r.width)) : DEFAULT_WINDOW_STATE.width,
    height: isNum(r.height) ? Math.max(MIN_SIZE.height, Math.round(r.height)) : DEFAULT_WINDOW_STATE.height,
    maximized: r.maximized === true,
  };
  if (isNum(r.x) && isNum(r.y)) {
    state.x = Math.round(r.x);
    state.y = Math.round(r.y);
  }
  return state;
}

/**
 * Keeps a remembered window on screen: a monitor unplugged since last time would otherwise open it
 * where nobody can see it. The window must overlap some display's work area by a usable amount
 * (its title bar reachable); if not, it is centred on the primary display. Too large → shrunk to fit.
 */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  const primary = workAreas[0];
  if (!primary) return state;
  const largest = workAreas.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const out: WindowState = {
    ...state,
    width: Math.min(state.width, largest.width),
    height: Math.min(state.height, largest.height),
  };
  if (out.x === undefined || out.y === undefined) return out;
  const { x, y } = out;
  const visible = workAreas.some((a) => {
    const overlapW = Math.min(x + out.width, a.x + a.width) - Math.max(x, a.x);
    // The top 40 px (title bar) must be inside the display, so the user can grab the window.
    const titleInside = y >= a.y && y + 40 <= a.y + a.height;
    return overlapW >= 100 && titleInside;
  });
  if (visible) return out;
  const fit = { ...out, width: Math.min(out.width, primary.width), height: Math.min(out.height, primary.height) };
  fit.x = Math.round(primary.x + (primary.width - fit.width) / 2);
  fit.y = Math.round(primary.y + (primary.height - fit.height) / 2);
  return fit;
}

export async function loadWindowState(file: string, workAreas: Rect[]): Promise<WindowState> {
  return fitToDisplays(parseWindowState(await readJsonFile(file)), workAreas);
}

/** Saves the window's normal (un-maximised) bounds and maximised flag as it changes, and on close. */
export function trackWindowState(win: TrackedWindow, file: string, delayMs = 400): JsonFileWriter {
  let state: WindowState = { ...DEFAULT_WINDOW_STATE };
  const writer = new JsonFileWriter(file, () => state, delayMs);
  const capture = () => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    state = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
  };
  const onChange = () => {
    capture();
    writer.schedule();
  };
  for (const ev of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(ev, onChange);
  win.on('close', () => {
    capture();
    void writer.flush();
  });
  return writer;
}
