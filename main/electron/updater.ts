/**
 * Auto-update with electron-updater: checks at start and every four hours, downloads in the
 * background, and offers a restart when an update is ready. Off in development (`!app.isPackaged`).
 * The update feed is the `publish` entry of electron-builder.yml (a generic HTTPS server).
 */
import { app, dialog, type BrowserWindow } from 'electron';
import electronUpdater from 'electron-updater';
import { scheduleUpdateChecks } from '../update-schedule.ts';

export function setupAutoUpdates(opts: { window: () => BrowserWindow | null; log: (message: string, extra?: Record<string, unknown>) => void }): () => void {
  if (!app.isPackaged) return () => undefined;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (err) => opts.log('update check failed', { err: String(err) }));
  let offered = false;
  autoUpdater.on('update-downloaded', (info) => {
    if (offered) return;
    offered = true;
    const win = opts.window();
    const options = {
      type: 'info' as const,
      title: 'Update ready',
      message: `Trove ${info.version} is ready to install.`,
      detail: 'Restart now to use it, or later — it will be installed when you quit Trove.',
      buttons: ['Restart now', 'Later'],
      defaultId: 0,
      cancelId: 1,
    };
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options)).then(({ response }) => {
      if (response === 0) autoUpdater.quitAndInstall();
    });
  });
  return scheduleUpdateChecks({ check: () => autoUpdater.checkForUpdates(), onError: (err) => opts.log('update check failed', { err: String(err) }) });
}
