/**
 * Electron entry point: app lifecycle, single-instance lock, the window, tray, menu, dialogs, shell
 * and auto-update — and nothing else. All logic lives in main/app.ts (plain Node), which this file
 * hands Electron's capabilities to.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, dialog, ipcMain, Menu, session, shell, type IpcMainInvokeEvent } from 'electron';
import { SUPPORTED_EXTENSIONS } from '../../shared/file-types.ts';
import { TroveApp } from '../app.ts';
import { pathsFromArgv, startsHidden } from '../argv.ts';
import { isAppUrl, isTrustedIpcEvent } from '../security.ts';
import type { TrayAction } from '../sync/tray-model.ts';
import { buildAppMenu } from './menu.ts';
import { electronSecretBox } from './safe-storage.ts';
import { createTray } from './tray.ts';
import { setupAutoUpdates } from './updater.ts';
import { UtilityProcessLauncher } from './utility-launcher.ts';
import { createMainWindow, hardenSession, hardenWebContents, startingPageUrl } from './window.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '../preload/index.cjs');
const argvSkip = app.isPackaged ? 1 : 2;
const devRendererUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL ?? null : null;

const log = (message: string, extra?: Record<string, unknown>) => console.error(`[trove] ${message}`, extra ?? '');

let trove: TroveApp | null = null;
let win: BrowserWindow | null = null;
let quitting = false;
/** Files handed over before the page could hear about them. */
let pendingFiles: string[] = [];

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    void showWindow();
    handOver(pathsFromArgv(argv, cwd, argvSkip));
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    handOver([file]);
  });
  // Sync goes on with the window closed: the app lives in the tray until Quit.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => void showWindow());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appOrigin));
  app.on('before-quit', (event) => {
    if (quitting || !trove) return;
    event.preventDefault();
    quitting = true;
    void trove.quit().catch((err: unknown) => log('shutdown failed', { err: String(err) })).finally(() => app.quit());
  });
  void app.whenReady().then(start).catch((err: unknown) => {
    log('Trove could not start', { err: String(err) });
    dialog.showErrorBox('Trove could not start', String(err));
    app.exit(1);
  });
}

function appOrigin(): string | null {
  return trove?.appOrigin() ?? null;
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, { appOrigin, connectSources: () => trove?.connectSources() ?? [] });
  const appRoot = app.getAppPath();
  trove = await TroveApp.start({
    userDataDir: app.getPath('userData'),
    launcher: new UtilityProcessLauncher(),
    // bin/trove.js runs the built server (dist/server); the packaged app ships it unpacked (asar: false).
    serverCommand: { entry: path.join(appRoot, 'bin', 'trove.js'), args: ['serve'], cwd: appRoot },
    ipcMain,
    isTrustedSender: (event, origin) =>
      isTrustedIpcEvent(event as IpcMainInvokeEvent, win && !win.isDestroyed() ? win.webContents : null, origin),
    send: (channel, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
    },
    pick: async (folders) => {
      const options: Electron.OpenDialogOptions = {
        properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
        ...(folders ? {} : { filters: [{ name: 'Images, videos, audio, documents and ZIP archives', extensions: [...Object.values(SUPPORTED_EXTENSIONS).flat(), 'zip'] }, { name: 'All files', extensions: ['*'] }] }),
      };
      const res = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return res.canceled ? [] : res.filePaths;
    },
    reveal: (p) => shell.showItemInFolder(p),
    open: async (p) => {
      const error = await shell.openPath(p);
      if (error) throw new Error(error);
    },
    // Only ever main's own Google sign-in links (auth/google-loopback.ts), never a URL from the page.
    openExternal: (url) => shell.openExternal(url),
    secretBox: electronSecretBox,
    setStartAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] }),
    devRendererUrl,
    log,
  });

  trove.onConnectionChange((c) => {
    // The page comes from the server: (re)load it once the server answers (first start, new port, mode switch).
    if (c.online && win && !win.isDestroyed() && !isAppUrl(win.webContents.getURL(), appOrigin())) void loadPage(win);
  });

  Menu.setApplicationMenu(buildAppMenu({
    addFiles: () => void pickAndQueue(false),
    addFolder: () => void pickAndWatch(),
    showWindow: () => void showWindow(),
    quit: () => app.quit(),
    isPackaged: app.isPackaged,
  }));
  createTray({
    iconPath: path.join(appRoot, 'build', 'icon.png'),
    menu: () => trove!.trayMenu(),
    summary: () => trove!.traySummary(),
    subscribe: (fn) => trove!.onTrayChange(fn),
    onAction: (action) => void onTrayAction(action),
  });
  setupAutoUpdates({ window: () => win, log });

  handOver(pathsFromArgv(process.argv, process.cwd(), argvSkip));
  if (!startsHidden(process.argv)) await showWindow();
}

async function onTrayAction(action: TrayAction): Promise<void> {
  if (!trove) return;
  switch (action) {
    case 'open':
      return showWindow();
    case 'pause-sync':
      await trove.setSyncPaused(true);
      return;
    case 'resume-sync':
      await trove.setSyncPaused(false);
      return;
    case 'toggle-login':
      await trove.setStartAtLogin(!trove.settings.get().startAtLogin);
      return;
    case 'quit':
      app.quit();
      return;
  }
}

async function showWindow(): Promise<void> {
  if (!trove) return;
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return;
  }
  const w = await createMainWindow({
    preload: PRELOAD,
    statePath: path.join(app.getPath('userData'), 'window-state.json'),
    appOrigin,
    icon: path.join(app.getAppPath(), 'build', 'icon.png'),
  });
  win = w;
  w.on('closed', () => {
    if (win === w) win = null;
  });
  w.webContents.on('did-finish-load', () => {
    if (isAppUrl(w.webContents.getURL(), appOrigin()) && pendingFiles.length) {
      const files = pendingFiles;
      pendingFiles = [];
      trove?.openFiles(files);
    }
  });
  await loadPage(w);
}

async function loadPage(w: BrowserWindow): Promise<void> {
  const url = trove?.appUrl();
  const ready = devRendererUrl !== null || trove?.connection().online === true;
  await w.loadURL(url && ready ? url : startingPageUrl()).catch((err: unknown) => log('loading the page failed', { err: String(err) }));
}

/** Files from outside go to the page (which offers to add them) once it is loaded. */
function handOver(files: string[]): void {
  if (files.length === 0) return;
  const loaded = win && !win.isDestroyed() && isAppUrl(win.webContents.getURL(), appOrigin()) && !win.webContents.isLoading();
  if (trove && loaded) trove.openFiles(files);
  else pendingFiles.push(...files);
}

async function pickAndQueue(folders: boolean): Promise<void> {
  const res = win ? await dialog.showOpenDialog(win, { properties: [folders ? 'openDirectory' : 'openFile', 'multiSelections'] }) : null;
  if (res && !res.canceled && res.filePaths.length) await trove?.queue.add(res.filePaths);
}

async function pickAndWatch(): Promise<void> {
  const res = win ? await dialog.showOpenDialog(win, { properties: ['openDirectory'] }) : null;
  const folder = res && !res.canceled ? res.filePaths[0] : undefined;
  if (folder) await trove?.sync.addFolder(folder, { mirrorDeletions: false }).catch((err: unknown) => dialog.showErrorBox('Cannot watch this folder', String(err)));
}
