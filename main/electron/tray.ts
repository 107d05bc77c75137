/** The tray icon and its menu, rebuilt from main/sync/tray-model.ts whenever sync or the queue changes. */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayEntry } from '../sync/tray-model.ts';

export interface TrayDeps {
  iconPath: string;
  menu(): TrayEntry[];
  summary(): string;
  onAction(action: TrayAction): void;
  /** Subscribe to changes; returns an unsubscribe. */
  subscribe(fn: () => void): () => void;
}

export function createTray(deps: TrayDeps): Tray {
  const image = nativeImage.createFromPath(deps.iconPath).resize({ width: 18, height: 18 });
  const tray = new Tray(image);
  const rebuild = () => {
    const template: MenuItemConstructorOptions[] = deps.menu().map((e) =>
      e.separator
        ? { type: 'separator' }
        : {
            label: e.label,
            enabled: e.enabled ?? true,
            ...(e.checked !== undefined ? { type: 'checkbox' as const, checked: e.checked } : {}),
            ...(e.action ? { click: () => deps.onAction(e.action!) } : {}),
          });
    tray.setContextMenu(Menu.buildFromTemplate(template));
    tray.setToolTip(deps.summary());
  };
  rebuild();
  deps.subscribe(() => {
    if (!tray.isDestroyed()) rebuild();
  });
  tray.on('click', () => deps.onAction('open'));
  return tray;
}
