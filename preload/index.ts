/**
 * The sandboxed preload: exposes `window.strata`, nothing more. This file and
 * main/ipc/electron-ipc.ts are the only two that touch Electron's IPC.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from './api';
import type { Transport } from './contract';

const transport: Transport = {
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  subscribe: (channel, listener) => {
    const wrapped = (_event: Electron.IpcRendererEvent, payload: Parameters<typeof listener>[0]) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('strata', createApi(transport));
