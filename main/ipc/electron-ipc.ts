/**
 * The only main-process file that touches ipcMain: every request channel of
 * the contract goes through the dispatcher, every event to the window.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { requests } from '../../preload/contract';
import type { EventHub } from '../app/events';
import type { Dispatch } from './dispatch';

/** Registers a handler per contract channel and forwards events to the window. */
export function registerIpc(dispatch: Dispatch, events: EventHub, window: () => BrowserWindow | undefined): void {
  for (const channel of Object.keys(requests)) {
    ipcMain.handle(channel, (event, input: unknown) =>
      dispatch(channel, input, {
        url: event.senderFrame?.url,
        isMainFrame: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
      }),
    );
  }
  events.attach((channel, payload) => {
    const target = window();
    if (target && !target.isDestroyed()) target.webContents.send(channel, payload);
  });
}
