/** The application menu: the usual roles (edit, view, window), plus Add files/folder and Quit. */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  addFiles(): void;
  addFolder(): void;
  showWindow(): void;
  quit(): void;
  isPackaged: boolean;
}

export function buildAppMenu(a: MenuActions): Menu {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Add Files…', accelerator: 'CmdOrCtrl+O', click: () => a.addFiles() },
        { label: 'Watch a Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.addFolder() },
        { type: 'separator' },
        mac ? { role: 'close' } : { label: 'Quit Trove', accelerator: 'CmdOrCtrl+Q', click: () => a.quit() },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(a.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Show Trove', click: () => a.showWindow() }] },
  ];
  return Menu.buildFromTemplate(template);
}
