/**
 * The preload of Trove's window (sandboxed, context-isolated): puts exactly the `TroveBridge` on
 * `window.trove`, nothing else. Built as CommonJS — sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('trove', createBridge(ipcRenderer, webUtils));
